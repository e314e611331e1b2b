/** One thing Zendesk's app validator would refuse (error) or complain about (warning). */
export interface AppProblem {
  /** The validator's name for the rule (Zendesk's error key where it has one), e.g. "manifest_keys.missing". */
  rule: string;
  severity: 'error' | 'warning';
  /** The file the problem is in. */
  file: string;
  message: string;
}

export interface AppValidationReport {
  /** True when there is no error (warnings allowed). */
  ok: boolean;
  problems: AppProblem[];
}

export const error = (rule: string, file: string, message: string): AppProblem => ({ rule, severity: 'error', file, message });
export const warning = (rule: string, file: string, message: string): AppProblem => ({ rule, severity: 'warning', file, message });
