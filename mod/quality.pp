// Agent quality: what Bluejay's evaluations say about each agent's calls in var.window.
// One row per agent; an agent with nothing evaluated in the window is skipped.

benchmark "agent_quality" {
  title       = "Agent Quality"
  description = "Hallucination, redundancy, goal success, custom evaluations and caller sentiment of each agent's evaluated calls."
  children = [
    control.hallucination_rate,
    control.redundancy_rate,
    control.goal_success_rate,
    control.custom_eval_success_rate,
    control.negative_sentiment_rate,
  ]
}

control "hallucination_rate" {
  title       = "Agents hallucinate in no more than max_hallucination_pct of their calls"
  description = "Share of evaluated calls in which Bluejay found a claim the knowledge base does not support."

  param "window" {
    description = "The `last` window of calls to read."
    default     = var.window
  }
  param "max_pct" {
    description = "Highest acceptable share of hallucinating calls, in percent."
    default     = var.max_hallucination_pct
  }

  sql = <<-EOQ
    with judged as materialized (
      select agent_id,
             count(*) as judged,
             sum(case when hallucination then 1 else 0 end) as failing
      from bluejay_call_evaluation
      where last = $1 and hallucination is not null
      group by agent_id
    )
    select a.id as resource,
           case
             when j.judged is null then 'skip'
             when 100.0 * j.failing / j.judged > $2 then 'alarm'
             else 'ok'
           end as status,
           case
             when j.judged is null then a.name || ' has no call judged for hallucination in the last ' || $1 || '.'
             else a.name || ' hallucinated in ' || j.failing || ' of ' || j.judged || ' evaluated calls ('
               || round(100.0 * j.failing / j.judged, 1) || '%, limit ' || $2 || '%)'
               || case when 100.0 * j.failing / j.judged > $2 then '; read hallucination_reasoning in bluejay_call_evaluation and fix the knowledge base or prompt.' else '.' end
           end as reason,
           a.id as agent_id
    from bluejay_agent a
    left join judged j on j.agent_id = a.id
    order by a.id
  EOQ
}

control "redundancy_rate" {
  title       = "Agents repeat themselves in no more than max_redundancy_pct of their calls"
  description = "Share of evaluated calls Bluejay judged redundant: the agent repeated a question or a confirmation."

  param "window" {
    description = "The `last` window of calls to read."
    default     = var.window
  }
  param "max_pct" {
    description = "Highest acceptable share of redundant calls, in percent."
    default     = var.max_redundancy_pct
  }

  sql = <<-EOQ
    with judged as materialized (
      select agent_id,
             count(*) as judged,
             sum(case when redundancy then 1 else 0 end) as failing
      from bluejay_call_evaluation
      where last = $1 and redundancy is not null
      group by agent_id
    )
    select a.id as resource,
           case
             when j.judged is null then 'skip'
             when 100.0 * j.failing / j.judged > $2 then 'alarm'
             else 'ok'
           end as status,
           case
             when j.judged is null then a.name || ' has no call judged for redundancy in the last ' || $1 || '.'
             else a.name || ' was redundant in ' || j.failing || ' of ' || j.judged || ' evaluated calls ('
               || round(100.0 * j.failing / j.judged, 1) || '%, limit ' || $2 || '%)'
               || case when 100.0 * j.failing / j.judged > $2 then '; read redundancy_reasoning in bluejay_call_evaluation.' else '.' end
           end as reason,
           a.id as agent_id
    from bluejay_agent a
    left join judged j on j.agent_id = a.id
    order by a.id
  EOQ
}

control "goal_success_rate" {
  title       = "Agents meet the caller's goal in at least min_goal_success_pct of their calls"
  description = "Share of evaluated calls in which Bluejay judged the call's goal met."

  param "window" {
    description = "The `last` window of calls to read."
    default     = var.window
  }
  param "min_pct" {
    description = "Lowest acceptable share of successful calls, in percent."
    default     = var.min_goal_success_pct
  }

  sql = <<-EOQ
    with judged as materialized (
      select agent_id,
             count(*) as judged,
             sum(case when goal_success then 1 else 0 end) as passing
      from bluejay_call_evaluation
      where last = $1 and goal_success is not null
      group by agent_id
    )
    select a.id as resource,
           case
             when j.judged is null then 'skip'
             when 100.0 * j.passing / j.judged < $2 then 'alarm'
             else 'ok'
           end as status,
           case
             when j.judged is null then a.name || ' has no call judged for goal success in the last ' || $1 || '.'
             else a.name || ' met the goal in ' || j.passing || ' of ' || j.judged || ' evaluated calls ('
               || round(100.0 * j.passing / j.judged, 1) || '%, minimum ' || $2 || '%)'
               || case when 100.0 * j.passing / j.judged < $2 then '; read goal_reasoning in bluejay_call_evaluation for the failed calls.' else '.' end
           end as reason,
           a.id as agent_id
    from bluejay_agent a
    left join judged j on j.agent_id = a.id
    order by a.id
  EOQ
}

control "custom_eval_success_rate" {
  title       = "Agents pass their custom evaluations at least min_custom_eval_success_pct of the time"
  description = "Average of custom_evals_success_rate, the share of a call's custom evaluations that passed, over the agent's evaluated calls."

  param "window" {
    description = "The `last` window of calls to read."
    default     = var.window
  }
  param "min_pct" {
    description = "Lowest acceptable average success rate, in percent."
    default     = var.min_custom_eval_success_pct
  }

  sql = <<-EOQ
    with judged as materialized (
      select agent_id,
             count(*) as judged,
             avg(custom_evals_success_rate) as rate
      from bluejay_call_evaluation
      where last = $1 and custom_evals_success_rate is not null
      group by agent_id
    )
    select a.id as resource,
           case
             when j.judged is null then 'skip'
             when 100 * j.rate < $2 then 'alarm'
             else 'ok'
           end as status,
           case
             when j.judged is null then a.name || ' has no call with custom evaluations in the last ' || $1 || '.'
             else a.name || ' passed ' || round(cast(100 * j.rate as numeric), 1) || '% of its custom evaluations on average over '
               || j.judged || ' calls (minimum ' || $2 || '%)'
               || case when 100 * j.rate < $2 then '; read custom_evals in bluejay_call_evaluation to see which evaluation fails.' else '.' end
           end as reason,
           a.id as agent_id
    from bluejay_agent a
    left join judged j on j.agent_id = a.id
    order by a.id
  EOQ
}

control "negative_sentiment_rate" {
  title       = "No more than max_negative_sentiment_pct of an agent's calls leave the caller negative"
  description = "Share of calls with a sentiment whose sentiment_label is negative."

  param "window" {
    description = "The `last` window of calls to read."
    default     = var.window
  }
  param "max_pct" {
    description = "Highest acceptable share of negative calls, in percent."
    default     = var.max_negative_sentiment_pct
  }

  sql = <<-EOQ
    with judged as materialized (
      select agent_id,
             count(*) as judged,
             sum(case when sentiment_label = 'negative' then 1 else 0 end) as failing
      from bluejay_call_evaluation
      where last = $1 and sentiment_label is not null
      group by agent_id
    )
    select a.id as resource,
           case
             when j.judged is null then 'skip'
             when 100.0 * j.failing / j.judged > $2 then 'alarm'
             else 'ok'
           end as status,
           case
             when j.judged is null then a.name || ' has no call with a sentiment in the last ' || $1 || '.'
             else a.name || ' left callers negative in ' || j.failing || ' of ' || j.judged || ' calls ('
               || round(100.0 * j.failing / j.judged, 1) || '%, limit ' || $2 || '%)'
               || case when 100.0 * j.failing / j.judged > $2 then '; read call_summary of the negative calls in bluejay_call_evaluation.' else '.' end
           end as reason,
           a.id as agent_id
    from bluejay_agent a
    left join judged j on j.agent_id = a.id
    order by a.id
  EOQ
}
