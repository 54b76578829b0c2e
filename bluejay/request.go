package bluejay

import (
	"fmt"
	"strings"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin/quals"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
)

// This file is the one place where a query's quals and LIMIT become API requests. Every table
// that reads call logs goes through scanRequestFor.

// scanRequest is what one table scan asks of the API.
type scanRequest struct {
	// AgentIDs are the agents the query named; empty means the connection's agent_ids, or else
	// every agent.
	AgentIDs []string
	// Labels are the label filters; one empty entry means no filter.
	Labels []string
	// Last is the window, always one of api.Windows.
	Last     string
	PageSize int
	// Limit is the query's LIMIT, -1 when it has none.
	Limit int64
}

// target is one sequence of pages: an agent read with one label filter and window.
type target struct {
	AgentID, Label, Last string
}

// Key column names shared by the call-log tables.
const (
	colAgentID = "agent_id"
	colLabel   = "label"
	colLast    = "last"
)

// callLogKeyColumns are the quals a call-log table maps onto requests: each table lists them
// with its own time columns.
func callLogKeyColumns(timeColumns ...string) plugin.KeyColumnSlice {
	keys := plugin.KeyColumnSlice{
		{Name: colAgentID, Require: plugin.Optional, Operators: []string{quals.QualOperatorEqual}},
		{Name: colLabel, Require: plugin.Optional, Operators: []string{quals.QualOperatorEqual}},
		{Name: colLast, Require: plugin.Optional, Operators: []string{quals.QualOperatorEqual}},
	}
	for _, c := range timeColumns {
		keys = append(keys, &plugin.KeyColumn{Name: c, Require: plugin.Optional, Operators: []string{">", ">=", "=", "<", "<="}})
	}
	return keys
}

// scanRequestFor maps a query onto a scanRequest. A wrong `last` fails here, before any
// request is sent. timeColumns are the table's columns whose lower bounds narrow the window.
func scanRequestFor(d *plugin.QueryData, s settings, now time.Time, timeColumns ...string) (scanRequest, error) {
	r := scanRequest{
		AgentIDs: qualStrings(d, colAgentID),
		Labels:   qualStrings(d, colLabel),
		Limit:    limitOf(d),
	}
	if err := checkNotEmpty(colAgentID, queryQualStrings(d, colAgentID), "give an agent id such as '42' (see bluejay_agent)"); err != nil {
		return scanRequest{}, err
	}
	if err := checkNotEmpty(colLabel, queryQualStrings(d, colLabel), labelFix); err != nil {
		return scanRequest{}, err
	}
	for _, column := range []string{colAgentID, colLabel} {
		if err := checkComputed(column, queryQualStrings(d, column)); err != nil {
			return scanRequest{}, err
		}
	}
	if len(r.Labels) == 0 {
		r.Labels = []string{""}
	}
	last, err := windowFor(d, s, now, timeColumns)
	if err != nil {
		return scanRequest{}, err
	}
	r.Last = last
	r.PageSize = pageSizeFor(r.Limit)
	return r, nil
}

const labelFix = "give a label such as 'production', or leave label out to read every label"

// checkNotEmpty rejects an empty agent_id or label: no call has one, and sending it would read
// another route (an empty path segment) or no filter at all, so the query would come back empty
// or wrong without a word.
func checkNotEmpty(column string, values []string, fix string) error {
	return checkNotEmptyOf(column, values, "call", fix)
}

// checkNotEmptyOf is checkNotEmpty for a column whose rows are not calls: what names them.
func checkNotEmptyOf(column string, values []string, what, fix string) error {
	for _, v := range values {
		if v == "" {
			return fmt.Errorf("%s = '' matches no %s; %s", column, what, fix)
		}
	}
	return nil
}

// uncomputedText is what Steampipe's Postgres FDW v2.2.2 sends for a text qual whose value
// PostgreSQL has not computed when the scan begins, as for `agent_id = (select ...)` (an init
// plan): its datumString of a zero datum. Sent on, it reads agent '?', which has no calls: no
// rows, silently. The plugin cannot tell it from a literal '?', so both are refused: an agent
// or a label named '?' alone cannot be read.
const uncomputedText = "?"

// checkComputed refuses the FDW's placeholder for a value it has not computed, saying what to
// write instead.
func checkComputed(column string, values []string) error {
	for _, v := range values {
		if v == uncomputedText {
			return fmt.Errorf("%[1]s = '%[2]s' is what Steampipe's Postgres FDW sends for a value it has not computed yet, such as %[1]s = (select ...), so it is refused rather than answered with no rows; use %[1]s in (select ...), a join, or the value itself", column, uncomputedText)
		}
	}
	return nil
}

// checkWindow rejects a `last` the API does not accept, listing the ones it does. A query's
// `last` and the connection's are refused with this one message.
func checkWindow(last string) error {
	if api.IsWindow(last) {
		return nil
	}
	return fmt.Errorf("last = %q is not a window the API accepts; use one of %s", last, windowList())
}

// windowFor picks the `last` window: the query's own, or the narrowest that still covers a
// lower time bound, or the connection's default.
func windowFor(d *plugin.QueryData, s settings, now time.Time, timeColumns []string) (string, error) {
	last, err := queryWindow(d)
	if err != nil || last != "" {
		return last, err
	}
	if from, ok := lowerTimeBound(d, timeColumns); ok {
		return windowCovering(now, from), nil
	}
	return s.Last, nil
}

// queryWindow is the window the query's own `last` qual names, "" when it names none. More
// than one value, or one the API does not accept, is refused.
func queryWindow(d *plugin.QueryData) (string, error) {
	lasts := qualStrings(d, colLast)
	switch {
	case len(lasts) > 1:
		return "", fmt.Errorf("give one value for last, not %d; use one of %s", len(lasts), windowList())
	case len(lasts) == 1:
		if err := checkWindow(lasts[0]); err != nil {
			return "", err
		}
		return lasts[0], nil
	}
	return "", nil
}

// idFilter is what a query that reads calls by id asks of them besides the id: a label among
// their tags and a window their created_at falls in ("" for none). idFilterFor checks it
// before any request is sent, with the same messages as a scan.
type idFilter struct {
	Label, Last string
}

func idFilterFor(d *plugin.QueryData) (idFilter, error) {
	last, err := queryWindow(d)
	if err != nil {
		return idFilter{}, err
	}
	f := idFilter{Last: last}
	labels := qualStrings(d, colLabel)
	if err := checkNotEmpty(colLabel, labels, labelFix); err != nil {
		return idFilter{}, err
	}
	if len(labels) == 1 {
		f.Label = labels[0]
	}
	return f, nil
}

// windowSpans are the API's windows as durations, narrowest first ("all" has none).
var windowSpans = []struct {
	name string
	span time.Duration
}{
	{"1day", 24 * time.Hour},
	{"3days", 3 * 24 * time.Hour},
	{"7days", 7 * 24 * time.Hour},
	{"30days", 30 * 24 * time.Hour},
	{"90days", 90 * 24 * time.Hour},
}

// windowSlack covers the time between the query's now() and the API's clock reading its window
// (request latency, paging, clock skew): a bound exactly on a window's edge reads the next one.
const windowSlack = 5 * time.Minute

// windowCovering returns the narrowest window whose start is at or before from, with slack.
// The slack is taken off the span rather than added to now - from, which saturates for a bound
// centuries back (created_at > '0001-01-01') and would wrap round to the narrowest window.
func windowCovering(now, from time.Time) string {
	ago := now.Sub(from)
	for _, w := range windowSpans {
		if ago <= w.span-windowSlack {
			return w.name
		}
	}
	return "all"
}

// lowerTimeBound is the latest lower bound (>, >= or =) the query puts on any of the columns.
// The API's window is on created_at; a call's start_time_utc is never after its created_at, so
// a bound on either one is covered by a window starting at the bound.
func lowerTimeBound(d *plugin.QueryData, columns []string) (time.Time, bool) {
	var from time.Time
	found := false
	for _, c := range columns {
		kq, ok := d.Quals[c]
		if !ok {
			continue
		}
		for _, q := range kq.Quals {
			switch q.Operator {
			case ">", ">=", "=":
				ts := q.Value.GetTimestampValue()
				if ts == nil {
					continue
				}
				if t := ts.AsTime(); !found || t.After(from) {
					from, found = t, true
				}
			}
		}
	}
	return from, found
}

// pageSizeFor asks for exactly the rows a small LIMIT needs, and full pages otherwise.
func pageSizeFor(limit int64) int {
	if limit > 0 && limit < api.MaxPageSize {
		return int(limit)
	}
	return api.MaxPageSize
}

func limitOf(d *plugin.QueryData) int64 {
	if d.QueryContext == nil {
		return -1
	}
	return d.QueryContext.GetLimit()
}

// qualStrings reads an = qual as its values: `col = 'x'` gives one, `col in ('x','y')` several.
func qualStrings(d *plugin.QueryData, column string) []string {
	v, ok := d.EqualsQuals[column]
	if !ok || v == nil {
		return nil
	}
	return qualValueStrings(v)
}

// queryQualStrings are the values of the query's `=` or IN qual on column, as PostgreSQL gave
// them. The SDK runs one list call per value of an IN list, each seeing its own value in
// EqualsQuals; checking the whole list in each of them refuses an IN list that holds an empty
// string before the call for another value sends a request.
func queryQualStrings(d *plugin.QueryData, column string) []string {
	out := qualStrings(d, column)
	if d.QueryContext == nil || d.QueryContext.UnsafeQuals[column] == nil {
		return out
	}
	for _, q := range d.QueryContext.UnsafeQuals[column].Quals {
		if q.GetStringValue() == quals.QualOperatorEqual && q.Value != nil {
			out = append(out, qualValueStrings(q.Value)...)
		}
	}
	return out
}

func qualValueStrings(v *proto.QualValue) []string {
	if list := v.GetListValue(); list != nil {
		out := make([]string, 0, len(list.Values))
		for _, item := range list.Values {
			out = append(out, qualValueStrings(item)...)
		}
		return out
	}
	// A NULL in an `= any(array)` list arrives as nil, or as a value without a value: no string.
	if s, ok := v.GetValue().(*proto.QualValue_StringValue); ok {
		return []string{s.StringValue}
	}
	return nil
}

// The testing tables (bluejay_simulation, bluejay_simulation_run, bluejay_simulation_result)
// map their quals here too. The testing API has no query parameters: a qual chooses where the
// walk starts (a run's results, a simulation's runs, an agent's simulations, or every agent)
// and a lower bound on a run's created_at skips the results of older runs.

// Key columns of the testing tables.
const (
	colSimulationID    = "simulation_id"
	colSimulationRunID = "simulation_run_id"
)

// testingRequest is what a scan of a testing table asks of the API.
type testingRequest struct {
	// AgentIDs are the agents the query named; empty means the connection's agent_ids, or
	// else every agent.
	AgentIDs []string
	// SimulationIDs and RunIDs, when the query names them, are where the walk starts.
	SimulationIDs []string
	RunIDs        []string
	// Since is the latest lower bound the query puts on a run's created_at; zero for none.
	Since time.Time
}

// testingColumns names a testing table's key columns: its simulation id column ("id" in
// bluejay_simulation), its run id column, and its run's start time and age in days ("" where
// the table has none).
type testingColumns struct {
	simulationID, runID, runCreatedAt, runAgeDays string
}

// keyColumns are agent_id and the table's id and time columns.
func (tc testingColumns) keyColumns() plugin.KeyColumnSlice {
	equal := []string{quals.QualOperatorEqual}
	var keys plugin.KeyColumnSlice
	if tc.runID != "" {
		// First, as call_id is in the child tables (childKeyColumns): of the planner's equal
		// paths, the first is kept, and one run's results are one request.
		keys = append(keys, &plugin.KeyColumn{Name: tc.runID, Require: plugin.Optional, Operators: equal})
	}
	keys = append(keys,
		&plugin.KeyColumn{Name: colAgentID, Require: plugin.Optional, Operators: equal},
		&plugin.KeyColumn{Name: tc.simulationID, Require: plugin.Optional, Operators: equal})
	if tc.runCreatedAt != "" {
		keys = append(keys, &plugin.KeyColumn{Name: tc.runCreatedAt, Require: plugin.Optional, Operators: []string{">", ">=", "=", "<", "<="}})
	}
	if tc.runAgeDays != "" {
		keys = append(keys, &plugin.KeyColumn{Name: tc.runAgeDays, Require: plugin.Optional, Operators: []string{"<", "<=", "=", ">", ">="}})
	}
	return keys
}

// testingRequestFor maps a query onto a testingRequest, refusing before any request an id no
// object can have: an empty one, or a simulation id that is not a number (get-simulation takes
// an integer, and every id the API lists is one).
func testingRequestFor(d *plugin.QueryData, tc testingColumns, now time.Time) (testingRequest, error) {
	r := testingRequest{AgentIDs: qualStrings(d, colAgentID), SimulationIDs: qualStrings(d, tc.simulationID)}
	if err := checkNotEmptyOf(colAgentID, queryQualStrings(d, colAgentID), "simulation", "give an agent id such as '42' (see bluejay_agent)"); err != nil {
		return testingRequest{}, err
	}
	if err := checkSimulationIDs(tc.simulationID, queryQualStrings(d, tc.simulationID)); err != nil {
		return testingRequest{}, err
	}
	if tc.runID != "" {
		r.RunIDs = qualStrings(d, tc.runID)
		if err := checkNotEmptyOf(tc.runID, queryQualStrings(d, tc.runID), "run", "give a run id such as those in bluejay_simulation_run.id"); err != nil {
			return testingRequest{}, err
		}
	}
	if tc.runCreatedAt != "" {
		r.Since, _ = lowerTimeBound(d, []string{tc.runCreatedAt})
	}
	if tc.runAgeDays != "" {
		if since, ok := ageBound(d, tc.runAgeDays, now); ok && since.After(r.Since) {
			r.Since = since
		}
	}
	return r, nil
}

// ageBound is the start time an upper bound (<, <= or =) on an age in days puts on a run:
// `age_days <= 7` is `created_at >= now - 7 days`, a bound a check can write in SQL that
// PostgreSQL and SQLite read alike. The slack of windowSlack covers the time between this now
// and the one each row's age is measured at.
func ageBound(d *plugin.QueryData, column string, now time.Time) (time.Time, bool) {
	kq, ok := d.Quals[column]
	if !ok {
		return time.Time{}, false
	}
	var since time.Time
	found := false
	for _, q := range kq.Quals {
		switch q.Operator {
		case "<", "<=", "=":
			days, isNumber := qualNumber(q.Value)
			if !isNumber {
				continue
			}
			t := now.Add(-time.Duration(days*float64(24*time.Hour)) - windowSlack)
			if !found || t.After(since) {
				since, found = t, true
			}
		}
	}
	return since, found
}

func qualNumber(v *proto.QualValue) (float64, bool) {
	switch n := v.GetValue().(type) {
	case *proto.QualValue_DoubleValue:
		return n.DoubleValue, true
	case *proto.QualValue_Int64Value:
		return float64(n.Int64Value), true
	}
	return 0, false
}

// checkSimulationIDs refuses an empty or non-numeric simulation id, naming the column.
func checkSimulationIDs(column string, ids []string) error {
	for _, id := range ids {
		if id == "" || strings.Trim(id, "0123456789") != "" {
			return fmt.Errorf("%s = %q is not a simulation id: Bluejay's simulation ids are whole numbers; give one such as those in bluejay_simulation.id", column, id)
		}
	}
	return nil
}
