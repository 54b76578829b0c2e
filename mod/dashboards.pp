// Two dashboards: every agent at a glance, and one agent in detail. Each panel runs a named
// query below, so that `go test ./modcheck` can list and run every dashboard query too.

dashboard "agents_overview" {
  title = "Bluejay Agents Overview"

  container {
    card {
      query = query.overview_agent_count
      width = 3
    }
    card {
      query = query.overview_call_count
      width = 3
    }
    card {
      query = query.overview_hallucination_pct
      width = 3
    }
    card {
      query = query.overview_goal_success_pct
      width = 3
    }
  }

  container {
    chart {
      title = "Calls per day"
      type  = "column"
      query = query.overview_calls_per_day
      width = 6
    }
    chart {
      title = "Hallucination rate per day (%)"
      type  = "line"
      query = query.overview_hallucination_per_day
      width = 6
    }
  }

  table {
    title = "Latency percentiles per agent (ms, average of each call's percentile)"
    query = query.overview_latency_per_agent
  }
}

dashboard "agent_detail" {
  title = "Bluejay Agent Detail"

  input "agent_id" {
    title = "Select an agent:"
    query = query.agent_input
    width = 4
  }

  container {
    card {
      query = query.agent_call_count
      args  = { agent_id = self.input.agent_id.value }
      width = 3
    }
    card {
      query = query.agent_hallucination_pct
      args  = { agent_id = self.input.agent_id.value }
      width = 3
    }
    card {
      query = query.agent_goal_success_pct
      args  = { agent_id = self.input.agent_id.value }
      width = 3
    }
    card {
      query = query.agent_latency_p95
      args  = { agent_id = self.input.agent_id.value }
      width = 3
    }
  }

  container {
    chart {
      title = "Calls per day by status"
      type  = "column"
      query = query.agent_calls_per_day
      args  = { agent_id = self.input.agent_id.value }
      width = 6
    }
    chart {
      title = "Latency per day (ms)"
      type  = "line"
      query = query.agent_latency_per_day
      args  = { agent_id = self.input.agent_id.value }
      width = 6
    }
  }

  table {
    title = "Latest calls"
    query = query.agent_latest_calls
    args  = { agent_id = self.input.agent_id.value }
  }
}

// Overview queries.

query "overview_agent_count" {
  sql = <<-EOQ
    select 'Agents' as label, count(*) as value
    from bluejay_agent
  EOQ
}

query "overview_call_count" {
  param "window" {
    default = var.window
  }
  sql = <<-EOQ
    select 'Calls, last ' || $1 as label, count(*) as value
    from bluejay_call
    where last = $1
  EOQ
}

query "overview_hallucination_pct" {
  param "window" {
    default = var.window
  }
  param "max_pct" {
    default = var.max_hallucination_pct
  }
  sql = <<-EOQ
    select 'Hallucination %' as label,
           round(100.0 * sum(case when hallucination then 1 else 0 end) / count(*), 1) as value,
           case when 100.0 * sum(case when hallucination then 1 else 0 end) / count(*) > $2 then 'alert' else 'ok' end as type
    from bluejay_call_evaluation
    where last = $1 and hallucination is not null
  EOQ
}

query "overview_goal_success_pct" {
  param "window" {
    default = var.window
  }
  param "min_pct" {
    default = var.min_goal_success_pct
  }
  sql = <<-EOQ
    select 'Goal success %' as label,
           round(100.0 * sum(case when goal_success then 1 else 0 end) / count(*), 1) as value,
           case when 100.0 * sum(case when goal_success then 1 else 0 end) / count(*) < $2 then 'alert' else 'ok' end as type
    from bluejay_call_evaluation
    where last = $1 and goal_success is not null
  EOQ
}

query "overview_calls_per_day" {
  param "window" {
    default = var.window
  }
  sql = <<-EOQ
    select date(created_at) as day, agent_id, count(*) as calls
    from bluejay_call
    where last = $1
    group by date(created_at), agent_id
    order by day, agent_id
  EOQ
}

query "overview_hallucination_per_day" {
  param "window" {
    default = var.window
  }
  sql = <<-EOQ
    select date(call_created_at) as day,
           round(100.0 * sum(case when hallucination then 1 else 0 end) / count(*), 1) as hallucination_pct
    from bluejay_call_evaluation
    where last = $1 and hallucination is not null
    group by date(call_created_at)
    order by day
  EOQ
}

query "overview_latency_per_agent" {
  param "window" {
    default = var.window
  }
  sql = <<-EOQ
    select agent_id,
           count(*) as evaluated_calls,
           cast(round(cast(avg(latency_p50) as numeric)) as integer) as p50_ms,
           cast(round(cast(avg(latency_p90) as numeric)) as integer) as p90_ms,
           cast(round(cast(avg(latency_p95) as numeric)) as integer) as p95_ms,
           cast(round(cast(avg(latency_p99) as numeric)) as integer) as p99_ms,
           cast(round(cast(avg(filler_ignored_latency_p95) as numeric)) as integer) as filler_ignored_p95_ms
    from bluejay_call_evaluation
    where last = $1
    group by agent_id
    order by agent_id
  EOQ
}

// Agent detail queries: the agent comes from the input.

query "agent_input" {
  sql = <<-EOQ
    select name as label, id as value
    from bluejay_agent
    order by name, id
  EOQ
}

query "agent_call_count" {
  param "agent_id" {}
  param "window" {
    default = var.window
  }
  sql = <<-EOQ
    select 'Calls, last ' || $2 as label, count(*) as value
    from bluejay_call
    where agent_id = $1 and last = $2
  EOQ
}

query "agent_hallucination_pct" {
  param "agent_id" {}
  param "window" {
    default = var.window
  }
  param "max_pct" {
    default = var.max_hallucination_pct
  }
  sql = <<-EOQ
    select 'Hallucination %' as label,
           round(100.0 * sum(case when hallucination then 1 else 0 end) / count(*), 1) as value,
           case when 100.0 * sum(case when hallucination then 1 else 0 end) / count(*) > $3 then 'alert' else 'ok' end as type
    from bluejay_call_evaluation
    where agent_id = $1 and last = $2 and hallucination is not null
  EOQ
}

query "agent_goal_success_pct" {
  param "agent_id" {}
  param "window" {
    default = var.window
  }
  param "min_pct" {
    default = var.min_goal_success_pct
  }
  sql = <<-EOQ
    select 'Goal success %' as label,
           round(100.0 * sum(case when goal_success then 1 else 0 end) / count(*), 1) as value,
           case when 100.0 * sum(case when goal_success then 1 else 0 end) / count(*) < $3 then 'alert' else 'ok' end as type
    from bluejay_call_evaluation
    where agent_id = $1 and last = $2 and goal_success is not null
  EOQ
}

query "agent_latency_p95" {
  param "agent_id" {}
  param "window" {
    default = var.window
  }
  param "max_ms" {
    default = var.max_latency_p95_ms
  }
  sql = <<-EOQ
    select 'p95 latency, ms' as label,
           cast(round(cast(avg(latency_p95) as numeric)) as integer) as value,
           case when avg(latency_p95) > $3 then 'alert' else 'ok' end as type
    from bluejay_call_evaluation
    where agent_id = $1 and last = $2 and latency_p95 is not null
  EOQ
}

query "agent_calls_per_day" {
  param "agent_id" {}
  param "window" {
    default = var.window
  }
  sql = <<-EOQ
    select date(created_at) as day, status, count(*) as calls
    from bluejay_call
    where agent_id = $1 and last = $2
    group by date(created_at), status
    order by day, status
  EOQ
}

query "agent_latency_per_day" {
  param "agent_id" {}
  param "window" {
    default = var.window
  }
  sql = <<-EOQ
    select date(call_created_at) as day,
           cast(round(cast(avg(latency_p50) as numeric)) as integer) as p50_ms,
           cast(round(cast(avg(latency_p95) as numeric)) as integer) as p95_ms,
           cast(round(cast(avg(latency_p99) as numeric)) as integer) as p99_ms
    from bluejay_call_evaluation
    where agent_id = $1 and last = $2
    group by date(call_created_at)
    order by day
  EOQ
}

query "agent_latest_calls" {
  param "agent_id" {}
  param "window" {
    default = var.window
  }
  sql = <<-EOQ
    select id, date(created_at) as day, status, duration_ms, conversation_ended_by, interface
    from bluejay_call
    where agent_id = $1 and last = $2
    order by created_at desc, id
    limit 20
  EOQ
}
