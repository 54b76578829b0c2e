package bluejay

import (
	"context"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin/transform"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
)

// simulationRef is the simulation a run or result row belongs to. Agent is "" for a row read
// from a simulation or run id the query named: the testing API gives a run no agent, so the
// agent_id column then reads the simulation (agentOfSimulation), only when the query names it.
type simulationRef struct {
	SimulationID string
	Agent        string
}

func (r *simulationRef) simulation() *simulationRef { return r }

type inSimulation interface{ simulation() *simulationRef }

// simulationRunRow is one run of a simulation.
type simulationRunRow struct {
	*api.SimulationRun
	simulationRef
	CreatedAt *time.Time
}

var runKeys = testingColumns{simulationID: colSimulationID, runCreatedAt: "created_at", runAgeDays: "age_days"}

func tableBluejaySimulationRun(_ context.Context) *plugin.Table {
	return &plugin.Table{
		Name:        "bluejay_simulation_run",
		Description: "Runs of your agents' simulations: each run places the simulation's test calls and counts those that passed and failed; one row per run.",
		Cache:       testingCache,
		List: &plugin.ListConfig{
			Hydrate:    listSimulationRuns,
			KeyColumns: runKeys.keyColumns(),
			Tags:       map[string]string{"service": "bluejay", "action": "GetSimulationRuns"},
		},
		Columns: simulationRunColumns(),
	}
}

func newRunRow(ctx context.Context, run *api.SimulationRun, ref simulationRef) *simulationRunRow {
	return &simulationRunRow{SimulationRun: run, simulationRef: ref, CreatedAt: parseTimestamp(ctx, "simulation_run.created_at", run.ID.Value, run.CreatedAt)}
}

// listSimulationRuns reads the runs of the simulations an id qual names (one request each), or
// walks every agent's simulations.
func listSimulationRuns(ctx context.Context, d *plugin.QueryData, _ *plugin.HydrateData) (any, error) {
	return nil, guardList(ctx, d, func(ctx context.Context) error {
		c, req, err := testingScanOf(ctx, d, runKeys)
		if err != nil {
			return err
		}
		emitRuns := func(w *testingWalk, ref simulationRef) error {
			runs, err := c.listSimulationRuns(w.ctx, d, ref.SimulationID)
			if err != nil {
				return err
			}
			var rows []any
			for i := range runs {
				if row := newRunRow(ctx, &runs[i], ref); !row.before(req.Since) {
					rows = append(rows, row)
				}
			}
			return w.emit(rows...)
		}
		return walkTesting(ctx, d, c, func(w *testingWalk) error {
			if len(req.SimulationIDs) > 0 {
				for _, id := range req.SimulationIDs {
					w.g.Go(func() error { return emitRuns(w, simulationRef{SimulationID: id}) })
				}
				return nil
			}
			return w.agents(req.AgentIDs, func(agentID string) error {
				return w.simulations(agentID, func(sim *api.Simulation) error {
					return emitRuns(w, simulationRef{SimulationID: sim.ID.Value, Agent: agentID})
				})
			})
		})
	})
}

// before tells whether the run started before since (zero: no bound). A run without a
// readable created_at is kept: PostgreSQL checks the bound again.
func (r *simulationRunRow) before(since time.Time) bool {
	return !since.IsZero() && r.CreatedAt != nil && r.CreatedAt.Before(since)
}

// agentOfSimulation is the agent_id of a run or result row: the walk's agent, else the
// agent of its simulation, read once per simulation (GET /v1/simulation/{id}, through the memo).
func agentOfSimulation(ctx context.Context, d *plugin.QueryData, h *plugin.HydrateData) (any, error) {
	row, ok := h.Item.(inSimulation)
	if !ok {
		return nil, nil // a failing scan's drain probe (failure.go)
	}
	ref := row.simulation()
	if ref.Agent != "" || ref.SimulationID == "" {
		return nonEmpty(ref.Agent), nil
	}
	c, err := connectionClient(ctx, d)
	if err != nil {
		return nil, err
	}
	sim, err := c.getSimulation(ctx, d, colSimulationID, ref.SimulationID)
	if err != nil || !sim.AgentID.Valid {
		return nil, err
	}
	return sim.AgentID.Value, nil
}

// simulationAgentColumn is the agent_id of the run and result tables.
func simulationAgentColumn() *plugin.Column {
	return &plugin.Column{
		Name:        colAgentID,
		Type:        proto.ColumnType_STRING,
		Description: "ID of the agent the simulation tests, as text; joins bluejay_agent.id and bluejay_call.agent_id. Give it (= or IN) to read only those agents. For rows read by a simulation or run id, it costs one request per simulation.",
		Hydrate:     agentOfSimulation,
		Transform:   transform.FromValue(),
	}
}

func simulationRunColumns() []*plugin.Column {
	type R = *simulationRunRow
	return []*plugin.Column{
		column("id", proto.ColumnType_STRING, "ID of the run, as text (the API sends it as a number or a string); use it as bluejay_simulation_result.simulation_run_id.", func(r R) any { return nonEmpty(r.ID.Value) }),
		column(colSimulationID, proto.ColumnType_STRING, "ID of the simulation the run belongs to. `where simulation_id = '...'` reads that simulation's runs (one request).", func(r R) any { return nonEmpty(r.simulationRef.SimulationID) }),
		simulationAgentColumn(),
		column("created_at", proto.ColumnType_TIMESTAMP, "When the run started (UTC).", func(r R) any { return timeValue(r.CreatedAt) }),
		column("age_days", proto.ColumnType_DOUBLE, "Days since the run started, when the row was read. An upper bound on it (age_days <= 7) is a lower bound on created_at, in SQL that PostgreSQL and SQLite read alike.", func(r R) any { return ageDays(r.CreatedAt) }),
		column("status", proto.ColumnType_STRING, "Status of the run, as the API gives it (such as INITIALIZING, RUNNING or COMPLETED; open text).", func(r R) any { return str(r.Status) }),
		column("summary", proto.ColumnType_STRING, "Summary of the run.", func(r R) any { return str(r.Summary) }),
		column("total_tests", proto.ColumnType_INT, "Test calls the run places.", func(r R) any { return i64(r.TotalTests) }),
		column("tests_completed", proto.ColumnType_INT, "Test calls completed so far.", func(r R) any { return i64(r.TestsCompleted) }),
		column("tests_passed", proto.ColumnType_INT, "Test calls that passed.", func(r R) any { return i64(r.TestsPassed) }),
		column("tests_failed", proto.ColumnType_INT, "Test calls that failed.", func(r R) any { return i64(r.TestsFailed) }),
		column("tests_incompleted", proto.ColumnType_INT, "Test calls that did not complete.", func(r R) any { return i64(r.TestsIncompleted) }),
		column("pass_pct", proto.ColumnType_DOUBLE, "The run's pass rate: tests_passed as a percentage of tests_completed (0 to 100); NULL before any test completes.", func(r R) any { return passPct(r.TestsPassed, r.TestsCompleted) }),
		column("experiment_id", proto.ColumnType_STRING, "ID of the run's experiment, as text.", func(r R) any { return nonEmpty(r.ExperimentID.Value) }),
		column("curr_step_id", proto.ColumnType_STRING, "ID of the step the run is at, as text; NULL once it is over.", func(r R) any { return nonEmpty(r.CurrStepID.Value) }),
		column("phone_number", proto.ColumnType_STRING, "Phone number the run's test calls dialled.", func(r R) any { return str(r.PhoneNumber) }),
		column("title", proto.ColumnType_STRING, "Title of the resource: the run id.", func(r R) any { return nonEmpty(r.ID.Value) }),
	}
}

// ageDays is how many days ago t was, NULL when t is.
func ageDays(t *time.Time) any {
	if t == nil {
		return nil
	}
	return time.Since(*t).Hours() / 24
}

// passPct is passed as a percentage of completed, NULL when nothing completed.
func passPct(passed, completed *int64) any {
	if passed == nil || completed == nil || *completed <= 0 {
		return nil
	}
	return 100 * float64(*passed) / float64(*completed)
}
