package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
)

// The testing calls against the fake's testing endpoints: ids become text whatever JSON form a
// page gives them, and each failure is the typed error its status means.

func newTestingFake(t *testing.T) *fakeapi.Server {
	t.Helper()
	srv := fakeapi.NewServer(fakeapi.Options{APIKey: testKey})
	t.Cleanup(srv.Close)
	return srv
}

func TestTestingCallsReadIDsAsText(t *testing.T) {
	srv := newTestingFake(t)
	c := newClient(t, srv.URL, Config{})
	ctx := context.Background()
	want := srv.Simulations("42")
	sims, err := c.ListSimulations(ctx, "42")
	if err != nil || len(sims) != len(want) {
		t.Fatalf("ListSimulations: %v, %d simulations, want %d", err, len(sims), len(want))
	}
	if sims[0].ID.Value != want[0].ID || sims[0].AgentID.Value != "42" || sims[0].Name != want[0].Name || sims[0].Type != nil {
		t.Errorf("listed simulation %+v, want id %s of agent 42 without the detail fields", sims[0], want[0].ID)
	}
	detail, err := c.GetSimulation(ctx, want[0].ID)
	if err != nil || detail.ID != sims[0].ID || detail.Type == nil || detail.MaxTurns == nil {
		t.Fatalf("GetSimulation: %v %+v", err, detail)
	}
	runs, err := c.ListSimulationRuns(ctx, want[0].ID)
	if err != nil || len(runs) != len(want[0].Runs) || runs[0].ID.Value != want[0].Runs[0].ID || runs[0].ExperimentID.Value == "" {
		t.Fatalf("ListSimulationRuns: %v %+v", err, runs)
	}
	res, err := c.GetSimulationResults(ctx, runs[0].ID.Value)
	if err != nil {
		t.Fatal(err)
	}
	// The run's id is an integer in the run list and a string here: both read as the same text.
	if res.Run.ID != runs[0].ID || res.Run.SimulationID.Value != want[0].ID || len(res.Results) != want[0].Runs[0].Completed {
		t.Errorf("results of run %s: run %+v with %d results, want %d", runs[0].ID.Value, res.Run, len(res.Results), want[0].Runs[0].Completed)
	}
}

func TestTestingCallsTypedErrors(t *testing.T) {
	srv := newTestingFake(t)
	c := newClient(t, srv.URL, Config{MaxRetries: NoRetries})
	ctx := context.Background()
	var unprocessable *UnprocessableError
	if _, err := c.GetSimulation(ctx, "abc"); !errors.As(err, &unprocessable) || !strings.Contains(err.Error(), "path.simulation_id") {
		t.Errorf("GetSimulation(abc): %v, want a 422 naming path.simulation_id", err)
	}
	for name, call := range map[string]func() error{
		"GetSimulation":        func() error { _, err := c.GetSimulation(ctx, "999999"); return err },
		"ListSimulationRuns":   func() error { _, err := c.ListSimulationRuns(ctx, "999999"); return err },
		"GetSimulationResults": func() error { _, err := c.GetSimulationResults(ctx, "999999"); return err },
	} {
		if err := call(); !IsNotFound(err) {
			t.Errorf("%s of an unknown id: %v, want a 404", name, err)
		}
	}
	srv.SetRawResponse(func(r *http.Request) (int, http.Header, []byte, bool) {
		return 200, nil, []byte(`{"runs":[]}`), true
	})
	var decode *DecodeError
	if _, err := c.ListSimulationRuns(ctx, "1001"); !errors.As(err, &decode) || !strings.Contains(err.Error(), "simulation_runs") {
		t.Errorf("a body without simulation_runs: %v, want a decode error naming it", err)
	}
	if _, err := c.ListSimulations(ctx, "42"); !errors.As(err, &decode) {
		t.Errorf("a body without simulations: %v, want a decode error", err)
	}
	bad := newClient(t, srv.URL, Config{APIKey: "wrong-" + testKey, MaxRetries: NoRetries})
	srv.SetRawResponse(nil)
	var auth *AuthError
	if _, err := bad.ListSimulations(ctx, "42"); !errors.As(err, &auth) || strings.Contains(err.Error(), testKey) {
		t.Errorf("a wrong key: %v, want an auth error without the key", err)
	}
}
