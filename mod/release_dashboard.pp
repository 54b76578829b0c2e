// The release-readiness dashboard: each agent's simulation runs over time, and its pass rate in
// tests beside its goal-success rate in production. Every panel runs a named query below, so
// that `go test ./modcheck` and the docs tests list and run them as the other dashboards'.

dashboard "release_readiness" {
  title = "Bluejay Release Readiness"

  container {
    card {
      query = query.readiness_simulation_count
      width = 3
    }
    card {
      query = query.readiness_recent_runs
      width = 3
    }
    card {
      query = query.readiness_failing_simulations
      width = 3
    }
  }

  container {
    chart {
      title = "Simulation pass rate per day (%)"
      type  = "line"
      query = query.readiness_pass_rate_per_day
      width = 12
    }
  }

  table {
    title = "Tests beside production, per agent"
    query = query.readiness_tests_beside_production
  }
}

query "readiness_simulation_count" {
  sql = <<-EOQ
    select 'Simulations' as label, count(*) as value
    from bluejay_simulation
  EOQ
}

query "readiness_recent_runs" {
  param "max_age_days" {
    default = var.max_run_age_days
  }
  sql = <<-EOQ
    select 'Completed runs, last max_run_age_days days' as label, count(*) as value
    from bluejay_simulation_run
    where status = 'COMPLETED' and age_days <= $1
  EOQ
}

query "readiness_failing_simulations" {
  param "min_pct" {
    default = var.min_pass_pct
  }
  sql = <<-EOQ
    with latest as materialized (
      select simulation_id, pass_pct,
             row_number() over (partition by simulation_id order by created_at desc) as n
      from bluejay_simulation_run
      where status = 'COMPLETED'
    )
    select 'Simulations failing their latest run' as label,
           count(*) as value,
           case when count(*) > 0 then 'alert' else 'ok' end as type
    from latest
    where n = 1 and pass_pct < $1
  EOQ
}

query "readiness_pass_rate_per_day" {
  param "max_age_days" {
    default = var.max_run_age_days
  }
  sql = <<-EOQ
    select date(created_at) as day, agent_id,
           round(100.0 * sum(tests_passed) / sum(tests_completed), 1) as pass_pct
    from bluejay_simulation_run
    where status = 'COMPLETED' and tests_completed > 0 and age_days <= 3 * $1
    group by date(created_at), agent_id
    order by day, agent_id
  EOQ
}

query "readiness_tests_beside_production" {
  param "window" {
    default = var.window
  }
  param "max_age_days" {
    default = var.max_run_age_days
  }
  sql = <<-EOQ
    with tests as materialized (
      select agent_id, count(*) as runs,
             round(100.0 * sum(tests_passed) / sum(tests_completed), 1) as test_pass_pct
      from bluejay_simulation_run
      where status = 'COMPLETED' and tests_completed > 0 and age_days <= $2
      group by agent_id
    ),
    production as materialized (
      select agent_id,
             round(100.0 * sum(case when goal_success then 1 else 0 end) / count(*), 1) as production_goal_success_pct
      from bluejay_call_evaluation
      where last = $1 and label = 'production' and goal_success is not null
      group by agent_id
    )
    select a.id as agent_id, a.name, t.runs, t.test_pass_pct, p.production_goal_success_pct
    from bluejay_agent a
    left join tests t on t.agent_id = a.id
    left join production p on p.agent_id = a.id
    order by a.id
  EOQ
}
