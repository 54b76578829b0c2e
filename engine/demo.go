package engine

// Demo is one sample query, as `bluejay-sql --demo` runs it.
type Demo struct {
	Title string
	SQL   string
}

// Demos are the sample queries of `bluejay-sql --demo`. They run against any account; on the
// fake API they use its seeded data. Each names its window with `last`, which the plugin sends
// to the API, so they read only the calls they report on.
var Demos = []Demo{
	{
		Title: "Calls per agent, last 7 days",
		// The aggregate runs first and the agent names are joined after: joined the other
		// way, SQLite would look the agent up (one /v1/all-agents request) for every call.
		SQL: `with per_agent as (
  select agent_id,
         count(*) as calls,
         sum(status = 'COMPLETED') as completed,
         round(avg(duration_ms) / 1000.0, 1) as avg_duration_s
  from bluejay_call
  where last = '7days'
  group by agent_id
)
select p.agent_id, a.name, p.calls, p.completed, p.avg_duration_s
from per_agent p
left join bluejay_agent a on a.id = p.agent_id
order by p.calls desc;`,
	},
	{
		Title: "Hallucination rate per agent, last 7 days",
		SQL: `select agent_id,
       count(*) as evaluations,
       sum(hallucination) as hallucinations,
       round(100.0 * avg(hallucination), 1) as hallucination_pct
from bluejay_call_evaluation
where last = '7days' and hallucination is not null
group by agent_id
order by hallucination_pct desc;`,
	},
	{
		Title: "Agent response latency per label, last 30 days (ms; each call's average)",
		// The IN list goes to the plugin as one list qual: one scan per label, each row
		// carrying the label it was read with.
		SQL: `select label,
       count(latency_avg) as calls,
       round(median(latency_avg)) as p50_ms,
       round(percentile(latency_avg, 95)) as p95_ms
from bluejay_call_evaluation
where label in ('production', 'staging', 'canary') and last = '30days'
group by label
order by p95_ms desc;`,
	},
	{
		Title: "The 5 slowest calls, last 30 days",
		SQL: `select id, agent_id, start_time_utc,
       round(duration_ms / 60000.0, 1) as minutes,
       status
from bluejay_call
where last = '30days'
order by duration_ms desc
limit 5;`,
	},
	{
		Title: "Failing custom metrics, last 7 days (booleans that are false, numbers under their max)",
		SQL: `select agent_id, name, response_type,
       count(*) as failing,
       round(avg(response_value_number), 2) as avg_value
from bluejay_call_custom_metric
where last = '7days'
  and ((response_type = 'boolean' and lower(response_value) = 'false')
    or (response_value_number < max_value))
group by agent_id, name, response_type
order by failing desc
limit 10;`,
	},
	{
		Title: "Before a deploy: the latest completed run of each simulation (Bluejay's test suites)",
		// The run list of every simulation of every agent: one list of simulations per agent
		// and one list of runs per simulation, no call log.
		SQL: `with latest as (
  select simulation_id, id, created_at, tests_passed, tests_completed, pass_pct,
         row_number() over (partition by simulation_id order by created_at desc) as n
  from bluejay_simulation_run
  where status = 'COMPLETED'
)
select s.agent_id, s.name as simulation, l.id as run_id,
       date(l.created_at) as day,
       l.tests_passed || ' of ' || l.tests_completed as passed
from latest l
join bluejay_simulation s on s.id = l.simulation_id
where l.n = 1
order by l.pass_pct, s.agent_id;`,
	},
}
