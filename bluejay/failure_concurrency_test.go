package bluejay

import (
	"context"
	"testing"

	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
)

// The list calls of one query (an IN list) form one group: the first failure stops the others
// and is the only one reported; rows are refused once it happened.
func TestScanGroupFirstFailureStopsTheOthers(t *testing.T) {
	key := &plugin.QueryContext{}
	a, b := joinScanGroup(key), joinScanGroup(key)
	if a != b {
		t.Fatal("two list calls of one query got different groups")
	}
	if other := joinScanGroup(&plugin.QueryContext{}); other == a {
		t.Fatal("two queries share a group")
	}
	ctxA, cancelA := context.WithCancel(context.Background())
	ctxB, cancelB := context.WithCancel(context.Background())
	defer cancelA()
	defer cancelB()
	if !a.watch(&cancelA) || !b.watch(&cancelB) {
		t.Fatal("a fresh group refused a member")
	}
	if !a.admit() {
		t.Fatal("a group that has not failed refused a row")
	}
	if !a.fail(&cancelA) {
		t.Fatal("the first failure is not the one to report")
	}
	if ctxB.Err() == nil || ctxA.Err() != nil {
		t.Fatal("the failure must cancel the other member and only it")
	}
	if b.fail(&cancelB) || b.admit() {
		t.Fatal("after the first failure, a second is reported or a row admitted")
	}
	third := func() context.CancelFunc { return func() {} }()
	if a.watch(&third) {
		t.Fatal("a member joining a failed group is let run")
	}
	a.leave(key)
	b.leave(key)
	joinScanGroup(key).leave(key)
	scanGroups.Lock()
	defer scanGroups.Unlock()
	if _, left := scanGroups.m[key]; left {
		t.Fatal("an empty group stays registered")
	}
}
