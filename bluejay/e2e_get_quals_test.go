package bluejay_test

import (
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
