package bluejay_test

import (
	"strings"
	"testing"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
)

// A call read by id with a last or label qual carries them when it passes them, so that
// Postgres's recheck keeps it: a join that looks calls up by id (`c.id = e.call_id and c.last
// = e.last`) sends exactly these quals. The SDK hands a Get only the quals of its key columns,
// so last and label must be among them.
func TestCallGetByIDKeepsLastAndLabel(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, nil)
	want := e.srv.Expected("42", "production", "1day")[0]
	rows := e.mustQuery("bluejay_call", []harness.Qual{eq("id", want.ID), eq("last", "1day"), eq("label", "production")}, 0)
	if len(rows) != 1 {
		t.Fatalf("id, last = '1day', label = 'production': %d rows, want 1", len(rows))
	}
	if rows[0]["last"] != "1day" || rows[0]["label"] != "production" {
		t.Fatalf("id, last = '1day', label = 'production': row has last = %v, label = %v; Postgres would drop it", rows[0]["last"], rows[0]["label"])
	}
	if rows := e.mustQuery("bluejay_call", []harness.Qual{eq("id", want.ID), eq("label", "no-such-label")}, 0); len(rows) != 0 {
		t.Fatalf("a call read by id without the label: %d rows, want none", len(rows))
	}
}

// A bad last with an id is refused before the GET, with the message a scan gives: the call
// existing or not makes no difference, in bluejay_call (id) and in the per-call tables (call_id).
func TestBadLastWithAnIDFailsBeforeAnyRequest(t *testing.T) {
	e := newEnv(t, fakeapi.Options{}, nil)
	existing := e.srv.Expected("42", "", "1day")[0].ID
	scan := e.query("bluejay_call", []harness.Qual{eq("agent_id", "42"), eq("last", "2days")}, 0, "id")
	if scan.Err == nil {
		t.Fatal("a scan with last = '2days' succeeded")
	}
	want := scan.Err.Error()
	if !strings.HasPrefix(want, `bluejay: last = "2days" is not a window the API accepts; use one of '1day'`) {
		t.Fatalf("scan error %q", want)
	}
	for _, table := range []string{"bluejay_call", "bluejay_call_event", "bluejay_call_evaluation"} {
		idColumn := "call_id"
		if table == "bluejay_call" {
			idColumn = "id"
		}
		for _, id := range []string{existing, "no-such-call"} {
			e.srv.ResetRequests()
			r := e.query(table, []harness.Qual{eq(idColumn, id), eq("last", "2days")}, 0, idColumn)
			if r.Err == nil || r.Err.Error() != want {
				t.Errorf("%s where %s = %q and last = '2days': %d rows, error %v; want %q", table, idColumn, id, len(r.Rows), r.Err, want)
			}
			if reqs := e.srv.Requests(); len(reqs) != 0 {
				t.Errorf("%s where %s = %q and last = '2days' sent %d requests, first %s; want none", table, idColumn, id, len(reqs), reqs[0].Path)
			}
		}
	}
}
