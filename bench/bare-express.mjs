// Baseline for bench/webhook-ingest: an Express 5 route that only reads the raw body and answers 200.
import express from 'express';

const app = express();
app.post('/webhooks/zendesk', express.raw({ type: () => true, limit: 1024 * 1024 }), (req, res) => {
  res.status(200).json({ status: 'accepted', bytes: req.body.length });
});
app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
const server = app.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
