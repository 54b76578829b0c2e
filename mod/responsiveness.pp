// Responsiveness: how fast each agent answers, and whether its calls finish and get evaluated.
// One row per agent, over var.window.

benchmark "responsiveness" {
  title       = "Responsiveness"
  description = "Response latency (raw and ignoring filler phrases), calls stuck in EVALUATING and calls that ended INCOMPLETED."
  children = [
    control.latency_p95,
    control.latency_p99,
    control.filler_ignored_latency_p95,
    control.filler_ignored_latency_p99,
    control.stuck_evaluating_calls,
    control.incomplete_calls,
  ]
}

control "latency_p95" {
  title       = "Agents answer within max_latency_p95_ms on average at p95"
  description = "Average over the agent's evaluated calls of each call's p95 response latency, in milliseconds."

  param "window" {
    description = "The `last` window of calls to read."
    default     = var.window
  }
  param "max_ms" {
    description = "Highest acceptable average, in milliseconds."
    default     = var.max_latency_p95_ms
  }

  sql = <<-EOQ
    with measured as materialized (
      select agent_id,
             count(*) as measured,
             avg(latency_p95) as latency
      from bluejay_call_evaluation
      where last = $1 and latency_p95 is not null
      group by agent_id
    )
    select a.id as resource,
           case
             when m.measured is null then 'skip'
             when m.latency > $2 then 'alarm'
             else 'ok'
           end as status,
           case
             when m.measured is null then a.name || ' has no call with a p95 latency in the last ' || $1 || '.'
             else a.name || ' took ' || cast(round(cast(m.latency as numeric)) as integer) || ' ms at p95 on average over '
               || m.measured || ' calls (limit ' || $2 || ' ms)'
               || case when m.latency > $2 then '; sort bluejay_call_evaluation by latency_p95 to find the slowest calls.' else '.' end
           end as reason,
           a.id as agent_id
    from bluejay_agent a
    left join measured m on m.agent_id = a.id
    order by a.id
  EOQ
}

control "latency_p99" {
  title       = "Agents answer within max_latency_p99_ms on average at p99"
  description = "Average over the agent's evaluated calls of each call's p99 response latency, in milliseconds."

  param "window" {
    description = "The `last` window of calls to read."
    default     = var.window
  }
  param "max_ms" {
    description = "Highest acceptable average, in milliseconds."
    default     = var.max_latency_p99_ms
  }

  sql = <<-EOQ
    with measured as materialized (
      select agent_id,
             count(*) as measured,
             avg(latency_p99) as latency
      from bluejay_call_evaluation
      where last = $1 and latency_p99 is not null
      group by agent_id
    )
    select a.id as resource,
           case
             when m.measured is null then 'skip'
             when m.latency > $2 then 'alarm'
             else 'ok'
           end as status,
           case
             when m.measured is null then a.name || ' has no call with a p99 latency in the last ' || $1 || '.'
             else a.name || ' took ' || cast(round(cast(m.latency as numeric)) as integer) || ' ms at p99 on average over '
               || m.measured || ' calls (limit ' || $2 || ' ms)'
               || case when m.latency > $2 then '; sort bluejay_call_evaluation by latency_p99 to find the slowest calls.' else '.' end
           end as reason,
           a.id as agent_id
    from bluejay_agent a
    left join measured m on m.agent_id = a.id
    order by a.id
  EOQ
}

control "filler_ignored_latency_p95" {
  title       = "Agents answer within max_filler_ignored_latency_p95_ms on average at p95"
  description = "Average over the agent's evaluated calls of each call's p95 filler-ignored response latency, in milliseconds."

  param "window" {
    description = "The `last` window of calls to read."
    default     = var.window
  }
  param "max_ms" {
    description = "Highest acceptable average, in milliseconds."
    default     = var.max_filler_ignored_latency_p95_ms
  }

  sql = <<-EOQ
    with measured as materialized (
      select agent_id,
             count(*) as measured,
             avg(filler_ignored_latency_p95) as latency
      from bluejay_call_evaluation
      where last = $1 and filler_ignored_latency_p95 is not null
      group by agent_id
    )
    select a.id as resource,
           case
             when m.measured is null then 'skip'
             when m.latency > $2 then 'alarm'
             else 'ok'
           end as status,
           case
             when m.measured is null then a.name || ' has no call with a p95 filler-ignored latency in the last ' || $1 || '.'
             else a.name || ' took ' || cast(round(cast(m.latency as numeric)) as integer) || ' ms at p95 on average over '
               || m.measured || ' calls (limit ' || $2 || ' ms)'
               || case when m.latency > $2 then '; sort bluejay_call_evaluation by filler_ignored_latency_p95 to find the slowest calls.' else '.' end
           end as reason,
           a.id as agent_id
    from bluejay_agent a
    left join measured m on m.agent_id = a.id
    order by a.id
  EOQ
}

control "filler_ignored_latency_p99" {
  title       = "Agents answer within max_filler_ignored_latency_p99_ms on average at p99"
  description = "Average over the agent's evaluated calls of each call's p99 filler-ignored response latency, in milliseconds."

  param "window" {
    description = "The `last` window of calls to read."
    default     = var.window
  }
  param "max_ms" {
    description = "Highest acceptable average, in milliseconds."
    default     = var.max_filler_ignored_latency_p99_ms
  }

  sql = <<-EOQ
    with measured as materialized (
      select agent_id,
             count(*) as measured,
             avg(filler_ignored_latency_p99) as latency
      from bluejay_call_evaluation
      where last = $1 and filler_ignored_latency_p99 is not null
      group by agent_id
    )
    select a.id as resource,
           case
             when m.measured is null then 'skip'
             when m.latency > $2 then 'alarm'
             else 'ok'
           end as status,
           case
             when m.measured is null then a.name || ' has no call with a p99 filler-ignored latency in the last ' || $1 || '.'
             else a.name || ' took ' || cast(round(cast(m.latency as numeric)) as integer) || ' ms at p99 on average over '
               || m.measured || ' calls (limit ' || $2 || ' ms)'
               || case when m.latency > $2 then '; sort bluejay_call_evaluation by filler_ignored_latency_p99 to find the slowest calls.' else '.' end
           end as reason,
           a.id as agent_id
    from bluejay_agent a
    left join measured m on m.agent_id = a.id
    order by a.id
  EOQ
}

control "stuck_evaluating_calls" {
  title       = "No call stays in EVALUATING past recent_window"
  description = "Calls whose status is still EVALUATING although they were created before the recent window: Bluejay's evaluation of them is stuck or failed."

  param "window" {
    description = "The `last` window of calls to read."
    default     = var.window
  }
  param "recent_window" {
    description = "Calls created within this window may still be evaluating."
    default     = var.recent_window
  }
  param "max_calls" {
    description = "Highest acceptable number of stuck calls per agent."
    default     = var.max_stuck_evaluating_calls
  }

  sql = <<-EOQ
    with calls as materialized (
      select agent_id, id, status
      from bluejay_call
      where last = $1
    ),
    recent as materialized (
      select id
      from bluejay_call
      where last = $2 and status = 'EVALUATING'
    ),
    per_agent as (
      select agent_id,
             count(*) as calls,
             sum(case when status = 'EVALUATING' and id not in (select id from recent) then 1 else 0 end) as stuck
      from calls
      group by agent_id
    )
    select a.id as resource,
           case
             when p.calls is null then 'skip'
             when p.stuck > $3 then 'alarm'
             else 'ok'
           end as status,
           case
             when p.calls is null then a.name || ' has no call in the last ' || $1 || '.'
             else a.name || ' has ' || p.stuck || ' of ' || p.calls || ' calls still EVALUATING after ' || $2 || ' (limit ' || $3 || ')'
               || case when p.stuck > $3 then '; list them with status = ''EVALUATING'' in bluejay_call and ask Bluejay support to re-run their evaluation.' else '.' end
           end as reason,
           a.id as agent_id
    from bluejay_agent a
    left join per_agent p on p.agent_id = a.id
    order by a.id
  EOQ
}

control "incomplete_calls" {
  title       = "No more than max_incomplete_pct of an agent's calls end INCOMPLETED"
  description = "Share of the agent's calls whose status is INCOMPLETED: the call dropped or the agent failed mid-call."

  param "window" {
    description = "The `last` window of calls to read."
    default     = var.window
  }
  param "max_pct" {
    description = "Highest acceptable share of incomplete calls, in percent."
    default     = var.max_incomplete_pct
  }

  sql = <<-EOQ
    with per_agent as materialized (
      select agent_id,
             count(*) as calls,
             sum(case when status = 'INCOMPLETED' then 1 else 0 end) as failing
      from bluejay_call
      where last = $1
      group by agent_id
    )
    select a.id as resource,
           case
             when p.calls is null then 'skip'
             when 100.0 * p.failing / p.calls > $2 then 'alarm'
             else 'ok'
           end as status,
           case
             when p.calls is null then a.name || ' has no call in the last ' || $1 || '.'
             else a.name || ' left ' || p.failing || ' of ' || p.calls || ' calls INCOMPLETED ('
               || round(100.0 * p.failing / p.calls, 1) || '%, limit ' || $2 || '%)'
               || case when 100.0 * p.failing / p.calls > $2 then '; list them with status = ''INCOMPLETED'' in bluejay_call and check their events.' else '.' end
           end as reason,
           a.id as agent_id
    from bluejay_agent a
    left join per_agent p on p.agent_id = a.id
    order by a.id
  EOQ
}
