// Compliance: what a call must keep (a recording, a transcript), what an agent must do
// (redact PII, verify identity, let the caller speak) and what must not fail (tool calls).
// One row per agent, over var.window.

benchmark "compliance" {
  title       = "Compliance"
  description = "PII redaction, recordings and transcripts, identity verification, tool-call failures and calls the agent ended before the caller spoke."
  children = [
    control.pii_redaction_enabled,
    control.calls_without_recording,
    control.calls_without_transcript,
    control.identity_verification_failures,
    control.tool_call_failures,
    control.agent_ended_before_user_spoke,
  ]
}

control "pii_redaction_enabled" {
  title       = "Agents redact personal data"
  description = "The agent's redact_pii setting: without it, call logs and transcripts keep callers' personal data."

  sql = <<-EOQ
    select id as resource,
           case when redact_pii then 'ok' else 'alarm' end as status,
           case
             when redact_pii then name || ' redacts personal data.'
             when redact_pii is null then name || ' has no redact_pii setting, so personal data is kept; turn PII redaction on in the agent''s Bluejay settings.'
             else name || ' has PII redaction turned off; turn it on in the agent''s Bluejay settings.'
           end as reason,
           id as agent_id
    from bluejay_agent
    order by id
  EOQ
}

control "calls_without_recording" {
  title       = "Completed phone calls keep a recording"
  description = "Share of the agent's COMPLETED phone calls with no recording_url. Chat calls have none by design and are not counted."

  param "window" {
    description = "The `last` window of calls to read."
    default     = var.window
  }
  param "max_pct" {
    description = "Highest acceptable share of phone calls without a recording, in percent."
    default     = var.max_missing_recording_pct
  }

  sql = <<-EOQ
    with per_agent as materialized (
      select agent_id,
             count(*) as calls,
             sum(case when recording_url is null then 1 else 0 end) as failing
      from bluejay_call
      where last = $1 and status = 'COMPLETED' and interface = 'PHONE'
      group by agent_id
    )
    select a.id as resource,
           case
             when p.calls is null then 'skip'
             when 100.0 * p.failing / p.calls > $2 then 'alarm'
             else 'ok'
           end as status,
           case
             when p.calls is null then a.name || ' has no completed phone call in the last ' || $1 || '.'
             else a.name || ' has no recording for ' || p.failing || ' of ' || p.calls || ' completed phone calls ('
               || round(100.0 * p.failing / p.calls, 1) || '%, limit ' || $2 || '%)'
               || case when 100.0 * p.failing / p.calls > $2 then '; check the recording settings of the agent''s telephony provider.' else '.' end
           end as reason,
           a.id as agent_id
    from bluejay_agent a
    left join per_agent p on p.agent_id = a.id
    order by a.id
  EOQ
}

control "calls_without_transcript" {
  title       = "Completed calls keep a transcript"
  description = "Share of the agent's COMPLETED calls, phone or chat, with no transcript_url."

  param "window" {
    description = "The `last` window of calls to read."
    default     = var.window
  }
  param "max_pct" {
    description = "Highest acceptable share of calls without a transcript, in percent."
    default     = var.max_missing_transcript_pct
  }

  sql = <<-EOQ
    with per_agent as materialized (
      select agent_id,
             count(*) as calls,
             sum(case when transcript_url is null then 1 else 0 end) as failing
      from bluejay_call
      where last = $1 and status = 'COMPLETED'
      group by agent_id
    )
    select a.id as resource,
           case
             when p.calls is null then 'skip'
             when 100.0 * p.failing / p.calls > $2 then 'alarm'
             else 'ok'
           end as status,
           case
             when p.calls is null then a.name || ' has no completed call in the last ' || $1 || '.'
             else a.name || ' has no transcript for ' || p.failing || ' of ' || p.calls || ' completed calls ('
               || round(100.0 * p.failing / p.calls, 1) || '%, limit ' || $2 || '%)'
               || case when 100.0 * p.failing / p.calls > $2 then '; check that transcription is on for the agent.' else '.' end
           end as reason,
           a.id as agent_id
    from bluejay_agent a
    left join per_agent p on p.agent_id = a.id
    order by a.id
  EOQ
}

control "identity_verification_failures" {
  title       = "Agents verify the caller's identity"
  description = "Share of the agent's evaluated calls in which the boolean custom metric named identity_metric_name is false."

  param "window" {
    description = "The `last` window of calls to read."
    default     = var.window
  }
  param "metric_name" {
    description = "Name of the boolean custom metric that records identity verification."
    default     = var.identity_metric_name
  }
  param "max_pct" {
    description = "Highest acceptable share of calls failing the metric, in percent."
    default     = var.max_identity_failure_pct
  }

  sql = <<-EOQ
    with judged as materialized (
      select agent_id,
             count(*) as judged,
             sum(case when lower(response_value) = 'false' then 1 else 0 end) as failing
      from bluejay_call_custom_metric
      where last = $1 and name = $2 and response_type = 'boolean'
      group by agent_id
    )
    select a.id as resource,
           case
             when j.judged is null then 'skip'
             when 100.0 * j.failing / j.judged > $3 then 'alarm'
             else 'ok'
           end as status,
           case
             when j.judged is null then a.name || ' has no "' || $2 || '" metric in the last ' || $1 || '.'
             else a.name || ' failed "' || $2 || '" in ' || j.failing || ' of ' || j.judged || ' evaluated calls ('
               || round(100.0 * j.failing / j.judged, 1) || '%, limit ' || $3 || '%)'
               || case when 100.0 * j.failing / j.judged > $3 then '; read the metric''s reasoning in bluejay_call_custom_metric and tighten the verification step of the prompt.' else '.' end
           end as reason,
           a.id as agent_id
    from bluejay_agent a
    left join judged j on j.agent_id = a.id
    order by a.id
  EOQ
}

control "tool_call_failures" {
  title       = "Tool calls succeed"
  description = "Share of the agent's tool calls whose output carries an \"error\" key."

  param "window" {
    description = "The `last` window of calls to read."
    default     = var.window
  }
  param "max_pct" {
    description = "Highest acceptable share of failed tool calls, in percent."
    default     = var.max_tool_failure_pct
  }

  sql = <<-EOQ
    with per_agent as materialized (
      select agent_id,
             count(*) as tool_calls,
             sum(case when cast(output as text) like '%"error"%' then 1 else 0 end) as failing
      from bluejay_call_tool_call
      where last = $1
      group by agent_id
    )
    select a.id as resource,
           case
             when p.tool_calls is null then 'skip'
             when 100.0 * p.failing / p.tool_calls > $2 then 'alarm'
             else 'ok'
           end as status,
           case
             when p.tool_calls is null then a.name || ' made no tool call in the last ' || $1 || '.'
             else a.name || ' had ' || p.failing || ' of ' || p.tool_calls || ' tool calls fail ('
               || round(100.0 * p.failing / p.tool_calls, 1) || '%, limit ' || $2 || '%)'
               || case when 100.0 * p.failing / p.tool_calls > $2 then '; read the output of the failed calls in bluejay_call_tool_call and check the tool''s backend.' else '.' end
           end as reason,
           a.id as agent_id
    from bluejay_agent a
    left join per_agent p on p.agent_id = a.id
    order by a.id
  EOQ
}

control "agent_ended_before_user_spoke" {
  title       = "Agents do not hang up before the caller speaks"
  description = "Calls the agent ended (conversation_ended_by = AGENT) whose evaluation counts at most one turn: the caller never got a word in."

  param "window" {
    description = "The `last` window of calls to read."
    default     = var.window
  }
  param "max_calls" {
    description = "Highest acceptable number of such calls per agent."
    default     = var.max_early_agent_hangups
  }

  sql = <<-EOQ
    with calls as materialized (
      select agent_id, id, conversation_ended_by
      from bluejay_call
      where last = $1
    ),
    silent as materialized (
      select distinct call_id
      from bluejay_call_evaluation
      where last = $1 and num_turns <= 1
    ),
    per_agent as (
      select c.agent_id,
             count(*) as calls,
             sum(case when c.conversation_ended_by = 'AGENT' and s.call_id is not null then 1 else 0 end) as early
      from calls c
      left join silent s on s.call_id = c.id
      group by c.agent_id
    )
    select a.id as resource,
           case
             when p.calls is null then 'skip'
             when p.early > $2 then 'alarm'
             else 'ok'
           end as status,
           case
             when p.calls is null then a.name || ' has no call in the last ' || $1 || '.'
             else a.name || ' ended ' || p.early || ' of ' || p.calls || ' calls before the caller spoke (limit ' || $2 || ')'
               || case when p.early > $2 then '; check the agent''s silence timeout and end-of-call rules.' else '.' end
           end as reason,
           a.id as agent_id
    from bluejay_agent a
    left join per_agent p on p.agent_id = a.id
    order by a.id
  EOQ
}
