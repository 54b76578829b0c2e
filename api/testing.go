package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// Bluejay's testing API (../shared/bluejay-api/testing-api.md): an agent's simulations (test
// suites), their runs, and one result per test call of a run. The reference gives ids as integers
// on some pages and strings on others (a run's id, a simulation's agent_id); every id here is a
// FlexibleID, text whatever form it came in, so that it joins the call-log tables' ids.

// Simulation is one simulation. The list by agent fills the first five fields; GetSimulation
// fills them all.
type Simulation struct {
	ID        FlexibleID      `json:"id"`
	Name      string          `json:"name"`
	CreatedAt *string         `json:"created_at"`
	AgentID   FlexibleID      `json:"agent_id"`
	Settings  json.RawMessage `json:"settings"`

	Type           *string         `json:"type"`
	MaxConcurrent  *int64          `json:"max_concurrent"`
	MaxTurns       *int64          `json:"max_turns"`
	RingingTimeout *int64          `json:"ringing_timeout"`
	Tags           json.RawMessage `json:"tags"`
	Description    *string         `json:"description"`
	Pinned         *bool           `json:"pinned"`
	AlwaysOn       *bool           `json:"always_on"`
}

// SimulationRun is one run of a simulation, as get-simulation-runs lists it (with
// experiment_id, curr_step_id and phone_number) or as retrieve-simulation-results heads its
// results (with simulation_id).
type SimulationRun struct {
	ID               FlexibleID `json:"id"`
	SimulationID     FlexibleID `json:"simulation_id"`
	ExperimentID     FlexibleID `json:"experiment_id"`
	CreatedAt        *string    `json:"created_at"`
	Status           *string    `json:"status"`
	Summary          *string    `json:"summary"`
	TotalTests       *int64     `json:"total_tests"`
	TestsPassed      *int64     `json:"tests_passed"`
	TestsFailed      *int64     `json:"tests_failed"`
	TestsCompleted   *int64     `json:"tests_completed"`
	TestsIncompleted *int64     `json:"tests_incompleted"`
	CurrStepID       FlexibleID `json:"curr_step_id"`
	PhoneNumber      *string    `json:"phone_number"`
}

// SimulationResult is one test call of a run. Its events and evaluations have the call logs'
// Event and Evaluation shapes, kept raw until a table needs their elements.
type SimulationResult struct {
	ID             FlexibleID      `json:"id"`
	DigitalHumanID FlexibleID      `json:"digital_human_id"`
	Result         json.RawMessage `json:"result"`
	Duration       *float64        `json:"duration"`
	StartTime      *string         `json:"start_time"`
	EndTime        *string         `json:"end_time"`
	CustomMetrics  json.RawMessage `json:"custom_metrics"`
	Status         *string         `json:"status"`
	Latency        json.RawMessage `json:"latency"`
	Events         json.RawMessage `json:"events"`
	TranscriptURL  *string         `json:"transcript_url"`
	AudioURL       *string         `json:"audio_url"`
	Evaluations    json.RawMessage `json:"evaluations"`
}

// SimulationResults is retrieve-simulation-results: the run, then its test calls.
type SimulationResults struct {
	Run     *SimulationRun     `json:"simulation_run"`
	Results []SimulationResult `json:"simulation_results"`
}

// ListSimulations reads an agent's simulations.
func (c *Client) ListSimulations(ctx context.Context, agentID string) ([]Simulation, error) {
	endpoint := "GET /v1/get-simulations-by-agent/" + agentID
	var w struct {
		Simulations *[]Simulation `json:"simulations"`
	}
	if err := c.get(ctx, endpoint, []string{"v1", "get-simulations-by-agent", agentID}, nil, &w); err != nil {
		return nil, err
	}
	if w.Simulations == nil {
		return nil, missingField(endpoint, "simulations")
	}
	for i, s := range *w.Simulations {
		if !s.ID.Valid || s.ID.Value == "" {
			return nil, &DecodeError{Endpoint: endpoint, Err: fmt.Errorf(`simulations[%d]: required field "id" is missing or null`, i)}
		}
	}
	return *w.Simulations, nil
}

// GetSimulation reads one simulation with every field. One that does not exist is a
// *NotFoundError.
func (c *Client) GetSimulation(ctx context.Context, simulationID string) (*Simulation, error) {
	endpoint := "GET /v1/simulation/" + simulationID
	var s Simulation
	if err := c.get(ctx, endpoint, []string{"v1", "simulation", simulationID}, nil, &s); err != nil {
		return nil, err
	}
	if !s.ID.Valid {
		return nil, missingField(endpoint, "id")
	}
	return &s, nil
}

// ListSimulationRuns reads every run of a simulation. A simulation that does not exist is a
// *NotFoundError.
func (c *Client) ListSimulationRuns(ctx context.Context, simulationID string) ([]SimulationRun, error) {
	endpoint := "GET /v1/get-simulation-runs/" + simulationID
	var w struct {
		Runs *[]SimulationRun `json:"simulation_runs"`
	}
	if err := c.get(ctx, endpoint, []string{"v1", "get-simulation-runs", simulationID}, nil, &w); err != nil {
		return nil, err
	}
	if w.Runs == nil {
		return nil, missingField(endpoint, "simulation_runs")
	}
	for i, r := range *w.Runs {
		if !r.ID.Valid || r.ID.Value == "" {
			return nil, &DecodeError{Endpoint: endpoint, Err: fmt.Errorf(`simulation_runs[%d]: required field "id" is missing or null`, i)}
		}
	}
	return *w.Runs, nil
}

// GetSimulationResults reads a run and its test calls. A run that does not exist is a
// *NotFoundError.
func (c *Client) GetSimulationResults(ctx context.Context, runID string) (*SimulationResults, error) {
	endpoint := "GET /v1/retrieve-simulation-results/" + runID
	var w SimulationResults
	if err := c.get(ctx, endpoint, []string{"v1", "retrieve-simulation-results", runID}, nil, &w); err != nil {
		return nil, err
	}
	if w.Run == nil {
		return nil, missingField(endpoint, "simulation_run")
	}
	for i, r := range w.Results {
		if !r.ID.Valid || r.ID.Value == "" {
			return nil, &DecodeError{Endpoint: endpoint, Err: fmt.Errorf(`simulation_results[%d]: required field "id" is missing or null`, i)}
		}
	}
	return &w, nil
}

func missingField(endpoint, name string) error {
	return &DecodeError{Endpoint: endpoint, Err: errors.New(`required field "` + name + `" is missing or null`)}
}
