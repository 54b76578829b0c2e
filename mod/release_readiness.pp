// Release readiness: did each agent pass its simulations (Bluejay's test suites), recently, at
// least as well as it does in production? One row per agent or per simulation. A CI job runs
// this benchmark with `bluejay-sql check release_readiness` and blocks a deploy when it exits 1
// (docs/checks.md).

variable "max_run_age_days" {
  type        = number
  description = "An agent's latest completed simulation run must be at most this many days old; the test calls of the runs of these days are compared with production."
  default     = 7
}

variable "min_pass_pct" {
  type        = number
  description = "Alarm when the latest completed run of a simulation passed fewer than this percentage of its completed tests."
  default     = 80
}

variable "max_gap_pct" {
  type        = number
  description = "Alarm when an agent's hallucination rate in its test calls is lower than in production by more than this many percentage points: a test suite easier than production hides regressions."
  default     = 5
}

benchmark "release_readiness" {
  title       = "Release Readiness"
  description = "Recent simulation runs for every agent in production, the latest run of each simulation passing and hallucination-free, and test suites as hard as production."
  children = [
    control.recent_simulation_run,
    control.latest_run_pass_rate,
    control.latest_run_hallucinations,
    control.test_production_hallucination_gap,
  ]
}

control "recent_simulation_run" {
  title       = "Every agent with production calls has a completed simulation run in the last max_run_age_days days"
  description = "An agent taking production calls (label production, in var.window) whose simulations have not completed a run recently ships changes untested."

  param "window" {
    description = "The `last` window of production calls to read."
    default     = var.window
  }
  param "max_age_days" {
    description = "Most days since the agent's latest completed run."
    default     = var.max_run_age_days
  }

  sql = <<-EOQ
    with production as materialized (
      select agent_id, count(*) as calls
      from bluejay_call
      where last = $1 and label = 'production'
      group by agent_id
    ),
    recent as materialized (
      select agent_id, count(*) as runs
      from bluejay_simulation_run
      where status = 'COMPLETED' and age_days <= $2
      group by agent_id
    )
    select a.id as resource,
           case
             when p.calls is null then 'skip'
             when r.runs is null then 'alarm'
             else 'ok'
           end as status,
           case
             when p.calls is null then a.name || ' took no production call in the last ' || $1 || '.'
             when r.runs is null then a.name || ' took ' || p.calls || ' production calls but completed no simulation run in the last ' || $2 || ' days; run its simulations (or create one) before deploying.'
             else a.name || ' completed ' || r.runs || ' simulation runs in the last ' || $2 || ' days.'
           end as reason,
           a.id as agent_id
    from bluejay_agent a
    left join production p on p.agent_id = a.id
    left join recent r on r.agent_id = a.id
    order by a.id
  EOQ
}

control "latest_run_pass_rate" {
  title       = "The latest completed run of each simulation passes at least min_pass_pct of its tests"
  description = "Share of the completed tests of each simulation's latest completed run that passed."

  param "min_pct" {
    description = "Lowest acceptable share of passed tests, in percent."
    default     = var.min_pass_pct
  }

  sql = <<-EOQ
    with latest as materialized (
      select simulation_id, id, pass_pct, tests_passed, tests_completed
      from (
        select simulation_id, id, pass_pct, tests_passed, tests_completed,
               row_number() over (partition by simulation_id order by created_at desc) as n
        from bluejay_simulation_run
        where status = 'COMPLETED'
      ) ranked
      where n = 1
    )
    select s.id as resource,
           case
             when l.id is null or l.pass_pct is null then 'skip'
             when l.pass_pct < $1 then 'alarm'
             else 'ok'
           end as status,
           case
             when l.id is null or l.pass_pct is null then s.name || ' (agent ' || s.agent_id || ') has no completed run with completed tests.'
             else s.name || ' (agent ' || s.agent_id || '): its latest completed run ' || l.id || ' passed ' || l.tests_passed || ' of ' || l.tests_completed || ' tests (minimum ' || $1 || '%)'
               || case when l.pass_pct < $1 then '; read its failed tests in bluejay_simulation_result before deploying.' else '.' end
           end as reason,
           s.agent_id
    from bluejay_simulation s
    left join latest l on l.simulation_id = s.id
    order by s.id
  EOQ
}

control "latest_run_hallucinations" {
  title       = "No test call of a simulation's latest completed run hallucinated"
  description = "Test calls of each simulation's latest completed run in which Bluejay found a claim the knowledge base does not support."

  sql = <<-EOQ
    with latest as materialized (
      select simulation_id, id
      from (
        select simulation_id, id,
               row_number() over (partition by simulation_id order by created_at desc) as n
        from bluejay_simulation_run
        where status = 'COMPLETED'
      ) ranked
      where n = 1
    ),
    judged as materialized (
      select l.simulation_id,
             count(*) as judged,
             sum(case when r.hallucination then 1 else 0 end) as failing
      from latest l
      join bluejay_simulation_result r on r.simulation_run_id = l.id
      where r.hallucination is not null
      group by l.simulation_id
    )
    select s.id as resource,
           case
             when j.judged is null then 'skip'
             when j.failing > 0 then 'alarm'
             else 'ok'
           end as status,
           case
             when j.judged is null then s.name || ' (agent ' || s.agent_id || ') has no judged test call in a completed run.'
             when j.failing > 0 then s.name || ' (agent ' || s.agent_id || '): ' || j.failing || ' of ' || j.judged || ' test calls of its latest completed run hallucinated; read hallucination_reasoning in bluejay_simulation_result and fix the knowledge base or prompt.'
             else s.name || ' (agent ' || s.agent_id || '): none of the ' || j.judged || ' test calls of its latest completed run hallucinated.'
           end as reason,
           s.agent_id
    from bluejay_simulation s
    left join judged j on j.simulation_id = s.id
    order by s.id
  EOQ
}

control "test_production_hallucination_gap" {
  title       = "Agents hallucinate in tests at least as often as in production, within max_gap_pct points"
  description = "An agent's hallucination rate in the test calls of its recent runs against its production calls' in var.window: a suite whose rate is far lower than production's does not test what production meets."

  param "window" {
    description = "The `last` window of production calls to read."
    default     = var.window
  }
  param "max_age_days" {
    description = "Test calls of the runs of this many days are compared."
    default     = var.max_run_age_days
  }
  param "max_gap" {
    description = "Largest acceptable gap, in percentage points, by which the test rate may be lower."
    default     = var.max_gap_pct
  }

  sql = <<-EOQ
    with production as materialized (
      select agent_id,
             count(*) as judged,
             sum(case when hallucination then 1 else 0 end) as failing
      from bluejay_call_evaluation
      where last = $1 and label = 'production' and hallucination is not null
      group by agent_id
    ),
    tests as materialized (
      select agent_id,
             count(*) as judged,
             sum(case when hallucination then 1 else 0 end) as failing
      from bluejay_simulation_result
      where run_age_days <= $2 and hallucination is not null
      group by agent_id
    )
    select a.id as resource,
           case
             when p.judged is null or t.judged is null then 'skip'
             when 100.0 * p.failing / p.judged - 100.0 * t.failing / t.judged > $3 then 'alarm'
             else 'ok'
           end as status,
           case
             when p.judged is null then a.name || ' has no production call judged for hallucination in the last ' || $1 || '.'
             when t.judged is null then a.name || ' has no test call judged for hallucination in the last ' || $2 || ' days.'
             else a.name || ' hallucinated in ' || round(100.0 * t.failing / t.judged, 1) || '% of ' || t.judged || ' test calls and '
               || round(100.0 * p.failing / p.judged, 1) || '% of ' || p.judged || ' production calls (largest gap ' || $3 || ' points)'
               || case when 100.0 * p.failing / p.judged - 100.0 * t.failing / t.judged > $3 then '; its simulations are easier than production: add simulated callers like the production calls that hallucinated.' else '.' end
           end as reason,
           a.id as agent_id
    from bluejay_agent a
    left join production p on p.agent_id = a.id
    left join tests t on t.agent_id = a.id
    order by a.id
  EOQ
}
