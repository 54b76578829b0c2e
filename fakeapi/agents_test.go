package fakeapi

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestAllAgents(t *testing.T) {
	s := New(Options{})
	r := get(t, s, "/v1/all-agents")
	if r.status != 200 || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("%d %v", r.status, r.header)
	}
	var raw []map[string]json.RawMessage
	mustJSON(t, r.body, &raw)
	wantIDs := []string{`42`, `7`, `"support-bot"`, `"sales team ☎"`, `"empty"`}
	if len(raw) != len(wantIDs) {
		t.Fatalf("%d agents", len(raw))
	}
	for i, a := range raw {
		if string(a["id"]) != wantIDs[i] {
			t.Errorf("agent %d id %s, want %s", i, a["id"], wantIDs[i])
		}
		for _, field := range []string{"sip_password", "websocket_password", "http_webhook_key"} {
			if !bytes.Contains(a[field], []byte(SecretMarker)) {
				t.Errorf("agent %d %s = %s, no secret marker", i, field, a[field])
			}
		}
		var headers map[string]string
		if err := json.Unmarshal(a["custom_sip_headers"], &headers); err != nil || len(headers) == 0 {
			t.Fatalf("custom_sip_headers %s: %v", a["custom_sip_headers"], err)
		}
		for k, v := range headers {
			if !strings.HasPrefix(v, SecretMarker) {
				t.Errorf("custom_sip_headers[%s] = %q has no secret marker", k, v)
			}
		}
	}
	var decoded []Agent
	mustJSON(t, r.body, &decoded)
	if !reflect.DeepEqual(decoded, s.AgentsData()) {
		t.Fatal("AgentsData differs from what /v1/all-agents serves")
	}
	modes := map[string]bool{}
	for _, a := range decoded {
		modes[a.Mode] = true
	}
	if !modes["VOICE"] || !modes["TEXT"] {
		t.Fatalf("modes %v: the default account needs both", modes)
	}
}

// Agents created by AddCalls or SetCalls appear in the list.
func TestAgentsGrow(t *testing.T) {
	s := New(Options{Agents: []AgentSpec{}})
	if r := get(t, s, "/v1/all-agents"); string(r.body) != "[]" {
		t.Fatalf("no agents: %s", r.body)
	}
	s.AddCalls("late", 1)
	if a := s.AgentsData(); len(a) != 1 || a[0].ID.Value != "late" || a[0].ID.Int {
		t.Fatalf("%+v", a)
	}
	if r := get(t, s, "/v1/all-agents"); !bytes.Contains(r.body, []byte(`"id":"late"`)) {
		t.Fatalf("%s", truncate(r.body))
	}
}

// A deleted agent leaves the agent list and its call-log list answers 404 "Agent not found";
// the other agents and its calls by id are as before.
func TestDeleteAgent(t *testing.T) {
	s := New(Options{})
	call := s.Expected("7", "", "all")[0]
	s.DeleteAgent("7")
	for _, a := range s.AgentsData() {
		if a.ID.Value == "7" {
			t.Fatal("agent 7 is still in AgentsData")
		}
	}
	var listed []map[string]json.RawMessage
	mustJSON(t, get(t, s, "/v1/all-agents").body, &listed)
	if len(listed) != len(DefaultAgents())-1 || slices.ContainsFunc(listed, func(a map[string]json.RawMessage) bool { return string(a["id"]) == "7" }) {
		t.Fatalf("all-agents after deleting 7: %d agents", len(listed))
	}
	if r := get(t, s, "/v1/retrieve-call-logs/7"); r.status != 404 || string(r.body) != `{"detail":"Agent not found"}` {
		t.Fatalf("call logs of a deleted agent: %d %s", r.status, r.body)
	}
	if r := get(t, s, "/v1/retrieve-call-logs/42"); r.status != 200 {
		t.Fatalf("call logs of agent 42: %d %s", r.status, r.body)
	}
	if r := get(t, s, "/v1/retrieve-call-log/"+call.ID); r.status != 200 {
		t.Fatalf("a deleted agent's call by id: %d %s", r.status, r.body)
	}
}
