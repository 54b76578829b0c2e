package bluejay

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
)

// simulationResultRow is one test call of a run, with its evaluation flattened as
// bluejay_call_evaluation flattens a call's: the first of the result's evaluations (the API
// gives one per test call; every one is in the evaluations column).
type simulationResultRow struct {
	*api.SimulationResult
	simulationRef
	RunID        string
	RunCreatedAt *time.Time
	StartTime    *time.Time
	EndTime      *time.Time
	Eval         *api.Evaluation
}

var resultKeys = testingColumns{simulationID: colSimulationID, runID: colSimulationRunID, runCreatedAt: "run_created_at", runAgeDays: "run_age_days"}

func tableBluejaySimulationResult(_ context.Context) *plugin.Table {
	return &plugin.Table{
		Name:        "bluejay_simulation_result",
		Description: "Test calls of your agents' simulation runs, one row per test call, with the evaluation Bluejay ran on it (hallucination, redundancy, goal success, latency, sentiment) and its events.",
		Cache:       testingCache,
		List: &plugin.ListConfig{
			Hydrate:    listSimulationResults,
			KeyColumns: resultKeys.keyColumns(),
			Tags:       map[string]string{"service": "bluejay", "action": "RetrieveSimulationResults"},
		},
		Columns: simulationResultColumns(),
	}
}

// listSimulationResults reads the results of the runs a run id qual names (one request each),
// or of every run of the simulations an id qual names, or walks every agent's. A lower bound
// on run_created_at skips the results request of every older run.
func listSimulationResults(ctx context.Context, d *plugin.QueryData, _ *plugin.HydrateData) (any, error) {
	return nil, guardList(ctx, d, func(ctx context.Context) error {
		c, req, err := testingScanOf(ctx, d, resultKeys)
		if err != nil {
			return err
		}
		emitResults := func(w *testingWalk, runID string, ref simulationRef) error {
			res, err := c.simulationResults(w.ctx, d, runID)
			if err != nil {
				return err
			}
			rows, err := resultRows(ctx, res, runID, ref)
			if err != nil {
				return err
			}
			return w.emit(rows...)
		}
		resultsOfRuns := func(w *testingWalk, ref simulationRef) error {
			return w.runs(ref.SimulationID, func(run *api.SimulationRun) error {
				if newRunRow(ctx, run, ref).before(req.Since) {
					return nil
				}
				return emitResults(w, run.ID.Value, ref)
			})
		}
		return walkTesting(ctx, d, c, func(w *testingWalk) error {
			switch {
			case len(req.RunIDs) > 0:
				for _, id := range req.RunIDs {
					w.g.Go(func() error { return emitResults(w, id, simulationRef{}) })
				}
			case len(req.SimulationIDs) > 0:
				for _, id := range req.SimulationIDs {
					w.g.Go(func() error { return resultsOfRuns(w, simulationRef{SimulationID: id}) })
				}
			default:
				return w.agents(req.AgentIDs, func(agentID string) error {
					return w.simulations(agentID, func(sim *api.Simulation) error {
						return resultsOfRuns(w, simulationRef{SimulationID: sim.ID.Value, Agent: agentID})
					})
				})
			}
			return nil
		})
	})
}

// resultRows makes a row of each test call of a run. The simulation comes from the run the API
// returns when the walk did not know it (a query naming the run).
func resultRows(ctx context.Context, res *api.SimulationResults, runID string, ref simulationRef) ([]any, error) {
	if ref.SimulationID == "" && res.Run.SimulationID.Valid {
		ref.SimulationID = res.Run.SimulationID.Value
	}
	runCreatedAt := parseTimestamp(ctx, "simulation_run.created_at", runID, res.Run.CreatedAt)
	rows := make([]any, len(res.Results))
	for i := range res.Results {
		r := &res.Results[i]
		evals, err := decodeEvaluations(r)
		if err != nil {
			return nil, err
		}
		row := &simulationResultRow{SimulationResult: r, simulationRef: ref, RunID: runID, RunCreatedAt: runCreatedAt,
			StartTime: parseTimestamp(ctx, "start_time", r.ID.Value, r.StartTime), EndTime: parseTimestamp(ctx, "end_time", r.ID.Value, r.EndTime)}
		if len(evals) > 0 {
			row.Eval = &evals[0]
		}
		rows[i] = row
	}
	return rows, nil
}

func decodeEvaluations(r *api.SimulationResult) ([]api.Evaluation, error) {
	if len(r.Evaluations) == 0 || string(r.Evaluations) == "null" {
		return nil, nil
	}
	var out []api.Evaluation
	if err := json.Unmarshal(r.Evaluations, &out); err != nil {
		return nil, fmt.Errorf("simulation result %s: evaluations do not match the API's schema: %w", r.ID.Value, err)
	}
	return out, nil
}

// simulationResultWording words the evaluation's columns for a test call, whose caller is simulated.
var simulationResultWording = evaluationWording{call: "test call", descriptions: map[string]string{
	"redundancy":      "Whether the agent was redundant.",
	"goal_success":    "Whether the agent achieved the simulated caller's goal.",
	"num_turns":       "Number of turns the agent took.",
	"latency_avg":     "Average agent response latency (ms).",
	"latency_p50":     "50th percentile agent response latency (ms).",
	"latency_p90":     "90th percentile agent response latency (ms).",
	"latency_p95":     "95th percentile agent response latency (ms).",
	"latency_p99":     "99th percentile agent response latency (ms).",
	"latency_max":     "Maximum agent response latency (ms).",
	"sentiment_label": "Overall sentiment label of the simulated caller.",
	"sentiment_score": "Overall sentiment score of the simulated caller.",
}}

func simulationResultColumns() []*plugin.Column {
	type R = *simulationResultRow
	ev := func(r R) *api.Evaluation {
		if r.Eval == nil {
			return &api.Evaluation{}
		}
		return r.Eval
	}
	cols := []*plugin.Column{
		column("id", proto.ColumnType_STRING, "ID of the test call's result, as text.", func(r R) any { return nonEmpty(r.ID.Value) }),
		column(colSimulationRunID, proto.ColumnType_STRING, "ID of the run. `where simulation_run_id = '...'` reads that run's results, one request.", func(r R) any { return nonEmpty(r.RunID) }),
		column(colSimulationID, proto.ColumnType_STRING, "ID of the simulation. `where simulation_id = '...'` reads the results of its runs.", func(r R) any { return nonEmpty(r.SimulationID) }),
		simulationAgentColumn(),
		column("run_created_at", proto.ColumnType_TIMESTAMP, "When the run started (UTC). A lower bound on it skips the results of older runs: one request fewer per run.", func(r R) any { return timeValue(r.RunCreatedAt) }),
		column("run_age_days", proto.ColumnType_DOUBLE, "Days since the run started, when the row was read. An upper bound on it (run_age_days <= 7) skips the results of older runs, as a lower bound on run_created_at does.", func(r R) any { return ageDays(r.RunCreatedAt) }),
		column("digital_human_id", proto.ColumnType_STRING, "ID of the simulated caller (digital human) that placed the test call.", func(r R) any { return nonEmpty(r.DigitalHumanID.Value) }),
		column("status", proto.ColumnType_STRING, "Status of the test call, as the API gives it (open text).", func(r R) any { return str(r.Status) }),
		column("result", proto.ColumnType_JSON, "The test call's result, as the API returns it.", func(r R) any { return rawJSON(r.Result) }),
		column("duration", proto.ColumnType_DOUBLE, "Duration of the test call, as the API gives it (the reference names no unit).", func(r R) any { return f64(r.Duration) }),
		column("start_time", proto.ColumnType_TIMESTAMP, "When the test call started (UTC).", func(r R) any { return timeValue(r.StartTime) }),
		column("end_time", proto.ColumnType_TIMESTAMP, "When the test call ended (UTC).", func(r R) any { return timeValue(r.EndTime) }),
		column("transcript_url", proto.ColumnType_STRING, "URL of the test call's transcript.", func(r R) any { return str(r.TranscriptURL) }),
		column("audio_url", proto.ColumnType_STRING, "URL of the test call's audio.", func(r R) any { return str(r.AudioURL) }),
		column("evaluation_id", proto.ColumnType_STRING, "ID of the evaluation the columns below come from.", func(r R) any { return nonEmpty(ev(r).ID) }),
	}
	cols = append(cols, flattenedEvaluationColumns(ev, simulationResultWording,
		"hallucination", "hallucination_reasoning", "redundancy", "goal_success", "goal_reasoning",
		"agent_speak_percentage", "num_turns", "latency_avg", "latency_p50", "latency_p90", "latency_p95",
		"latency_p99", "latency_max", "sentiment_label", "sentiment_score", "call_summary",
		"custom_evals_success_rate")...)
	return append(cols,
		column("events", proto.ColumnType_JSON, "Events of the test call: title, start_offset_ms, end_offset_ms, description, tags, metadata.", func(r R) any { return rawJSON(r.Events) }),
		column("latency", proto.ColumnType_JSON, "The result's own latency block, as the API returns it.", func(r R) any { return rawJSON(r.Latency) }),
		column("custom_metrics", proto.ColumnType_JSON, "Custom metrics of the test call, as the API returns them.", func(r R) any { return rawJSON(r.CustomMetrics) }),
		column("evaluations", proto.ColumnType_JSON, "Every evaluation of the test call, as the API returns them.", func(r R) any { return rawJSON(r.Evaluations) }),
		column("title", proto.ColumnType_STRING, "Title of the resource: the result id.", func(r R) any { return nonEmpty(r.ID.Value) }),
	)
}
