// Every control reads one `last` window of calls (the plugin sends it to the API as `last`),
// and compares what it finds with one of these thresholds. Override them with
// `powerpipe benchmark run ... --var max_latency_p95_ms=2000`, a powerpipe.ppvars file, or
// `bluejay-sql check --var max_latency_p95_ms=2000`.

variable "window" {
  type        = string
  description = "The window of calls every control and dashboard reads: 1day, 3days, 7days, 30days, 90days or all."
  default     = "7days"
}

variable "recent_window" {
  type        = string
  description = "A call still EVALUATING that was created within this window is not yet stuck; must be narrower than window."
  default     = "1day"
}

variable "max_hallucination_pct" {
  type        = number
  description = "Alarm when more than this percentage of an agent's evaluated calls hallucinated."
  default     = 10
}

variable "max_redundancy_pct" {
  type        = number
  description = "Alarm when more than this percentage of an agent's evaluated calls were redundant (the agent repeated itself)."
  default     = 15
}

variable "min_goal_success_pct" {
  type        = number
  description = "Alarm when fewer than this percentage of an agent's evaluated calls met their goal."
  default     = 75
}

variable "min_custom_eval_success_pct" {
  type        = number
  description = "Alarm when an agent's custom evaluations pass on average less than this percentage of the time."
  default     = 50
}

variable "max_negative_sentiment_pct" {
  type        = number
  description = "Alarm when more than this percentage of an agent's calls with a sentiment were negative."
  default     = 40
}

variable "max_latency_p95_ms" {
  type        = number
  description = "Alarm when an agent's per-call p95 response latency averages more than this, in milliseconds."
  default     = 2500
}

variable "max_latency_p99_ms" {
  type        = number
  description = "Alarm when an agent's per-call p99 response latency averages more than this, in milliseconds."
  default     = 3500
}

variable "max_filler_ignored_latency_p95_ms" {
  type        = number
  description = "As max_latency_p95_ms, for the latency that ignores filler phrases (\"let me check that\")."
  default     = 2000
}

variable "max_filler_ignored_latency_p99_ms" {
  type        = number
  description = "As max_latency_p99_ms, for the latency that ignores filler phrases."
  default     = 2800
}

variable "max_stuck_evaluating_calls" {
  type        = number
  description = "Alarm when more than this many of an agent's calls are still EVALUATING after recent_window."
  default     = 0
}

variable "max_incomplete_pct" {
  type        = number
  description = "Alarm when more than this percentage of an agent's calls ended INCOMPLETED."
  default     = 5
}

variable "max_missing_recording_pct" {
  type        = number
  description = "Alarm when more than this percentage of an agent's completed phone calls have no recording."
  default     = 10
}

variable "max_missing_transcript_pct" {
  type        = number
  description = "Alarm when more than this percentage of an agent's completed calls have no transcript."
  default     = 20
}

variable "identity_metric_name" {
  type        = string
  description = "The name of the boolean custom metric that records whether the agent verified the caller's identity."
  default     = "Verified identity"
}

variable "max_identity_failure_pct" {
  type        = number
  description = "Alarm when the identity metric is false in more than this percentage of an agent's evaluated calls."
  default     = 20
}

variable "max_tool_failure_pct" {
  type        = number
  description = "Alarm when more than this percentage of an agent's tool calls returned an error."
  default     = 5
}

variable "max_early_agent_hangups" {
  type        = number
  description = "Alarm when more than this many of an agent's calls were ended by the agent before the caller spoke."
  default     = 0
}
