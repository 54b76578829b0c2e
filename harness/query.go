package harness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// Qual is one pushed-down WHERE condition. Operator is what Postgres/the FDW
// sends ("=", "<", "<=", ">", ">=", "<>", also "~~", "is" and friends pass
// through unchanged). Value is converted by QualValue; a slice makes it an
// IN-list qual (`col in (...)` / `col = any(...)` arrive as Operator "=" with
// a list value).
type Qual struct {
	Column, Operator string
	Value            any
}

// Query is one foreign-table scan.
type Query struct {
	Connection, Table string
	// Columns requested; empty means every column in the table's schema
	// (like `select *`).
	Columns []string
	Quals   []Qual
	// Limit pushed down to the plugin; 0 means none.
	Limit int64
	// Cache asks for this scan to be served from / stored in the plugin's
	// query cache. It only has an effect when Options.CacheEnabled is set.
	Cache bool
	// CacheTTL in seconds; 0 means DefaultCacheTTL.
	CacheTTL int64
}

// Result is a fully drained scan.
type Result struct {
	// CallId sent with the request, to find this scan in the plugin log.
	CallId  string
	Columns []string
	Rows    []map[string]any
	// Err is the error the stream ended with (e.g. a List/Hydrate error, as
	// an *RPCError), or an error building/starting the call. Rows received
	// before it are kept, as Postgres would have seen them.
	Err error
	// Metadata is the last QueryMetadata per producing connection (the FDW
	// keeps the same for its scan metadata): hydrate calls, rows fetched,
	// whether the rows came from the cache.
	Metadata map[string]*proto.QueryMetadata
	// RowsByConnection counts rows by the response's Connection field: the
	// connection that produced the row (a child, for aggregators).
	RowsByConnection map[string]int
}

var callSeq atomic.Int64

// newCallId returns an id that is unique per call. The SDK dedupes colliding
// ids itself, but its BuildCallId (unix seconds + rand(1000)) collides easily
// under load and makes logs ambiguous; pid + sequence never does.
func newCallId() string {
	return fmt.Sprintf("harness-%d-%d-%d", os.Getpid(), time.Now().UnixNano(), callSeq.Add(1))
}

// Request builds the ExecuteRequest the FDW would send for q:
//
//   - a unique CallId, Table, Connection;
//   - QueryContext{Columns, Quals (column -> Quals list, in q's order),
//     Limit (the deprecated field, still filled in by the FDW)};
//   - ExecuteConnectionData keyed by connection (the aggregator's children for
//     an aggregator connection) with Limit (nil when none), CacheEnabled and
//     CacheTtl. The SDK reads the limit and cache flags from here, not from
//     QueryContext or the deprecated top-level fields, and runs the scan once
//     per entry.
func (p *Plugin) Request(q Query) (*proto.ExecuteRequest, error) {
	if q.Connection == "" || q.Table == "" {
		return nil, errors.New("harness: Query needs Connection and Table")
	}
	cols := q.Columns
	if len(cols) == 0 {
		var err error
		if cols, err = p.TableColumns(q.Connection, q.Table); err != nil {
			return nil, err
		}
	}
	quals := map[string]*proto.Quals{}
	for _, ql := range q.Quals {
		if ql.Column == "" || ql.Operator == "" {
			return nil, fmt.Errorf("harness: qual %+v needs Column and Operator", ql)
		}
		v, err := QualValue(ql.Value)
		if err != nil {
			return nil, fmt.Errorf("harness: qual on %s: %w", ql.Column, err)
		}
		if quals[ql.Column] == nil {
			quals[ql.Column] = &proto.Quals{}
		}
		quals[ql.Column].Quals = append(quals[ql.Column].Quals, &proto.Qual{
			FieldName: ql.Column,
			Operator:  &proto.Qual_StringValue{StringValue: ql.Operator},
			Value:     v,
		})
	}
	limit := int64(-1) // proto.NewQueryContext's "no limit"
	if q.Limit > 0 {
		limit = q.Limit
	}
	ttl := q.CacheTTL
	if ttl == 0 {
		ttl = DefaultCacheTTL
	}

	targets := []string{q.Connection}
	p.mu.Lock()
	if c, ok := p.connections[q.Connection]; ok && len(c.Children) > 0 {
		targets = c.Children
	}
	p.mu.Unlock()

	data := make(map[string]*proto.ExecuteConnectionData, len(targets))
	for _, name := range targets {
		d := &proto.ExecuteConnectionData{CacheEnabled: q.Cache, CacheTtl: ttl}
		if limit != -1 {
			d.Limit = &proto.NullableInt{Value: limit}
		}
		data[name] = d
	}
	return &proto.ExecuteRequest{
		Table:                 q.Table,
		QueryContext:          proto.NewQueryContext(cols, quals, limit, nil),
		Connection:            q.Connection,
		CallId:                newCallId(),
		ExecuteConnectionData: data,
	}, nil
}

// Execute sends req and hands each stream message to onResponse until the
// stream ends (nil), fails (an *RPCError), ctx is done (ctx.Err()), or
// onResponse returns false; in that last case the call is cancelled, the way
// Postgres closes a scan it no longer needs (LIMIT satisfied, query cancelled),
// and Execute returns nil without waiting for the plugin to notice.
func (p *Plugin) Execute(ctx context.Context, req *proto.ExecuteRequest, onResponse func(*proto.ExecuteResponse) bool) error {
	// The SDK stub derives the call's context from the plugin connection's
	// context, not from ours, and hands back its cancel func; tie the two.
	stream, _, cancel, err := p.stub.Execute(req)
	if err != nil {
		if cancel != nil {
			cancel()
		}
		return rpcError("Execute", err)
	}
	defer cancel()
	stop := context.AfterFunc(ctx, cancel)
	defer stop()

	for {
		resp, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			// The SDK closes the stream without a terminal message when the
			// scan completes; errors arrive as the stream's final status.
			return nil
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return rpcError("Execute", err)
		}
		if !onResponse(resp) {
			return nil
		}
	}
}

// QueryRows runs q and calls onRow for each row as it arrives; onRow
// returning false cancels the call (see Execute). A row with no Row message
// ends the scan, as in the FDW, which treats a nil row as end of data.
func (p *Plugin) QueryRows(ctx context.Context, q Query, onRow func(row map[string]any) bool) error {
	req, err := p.Request(q)
	if err != nil {
		return err
	}
	return p.Execute(ctx, req, func(resp *proto.ExecuteResponse) bool {
		if resp.GetRow() == nil {
			return false
		}
		return onRow(RowValues(resp.GetRow()))
	})
}

// Query runs q to completion and collects every row. Safe to call
// concurrently on one Plugin.
func (p *Plugin) Query(ctx context.Context, q Query) Result {
	req, err := p.Request(q)
	if err != nil {
		return Result{Err: err}
	}
	res := Result{
		CallId:           req.CallId,
		Columns:          req.QueryContext.Columns,
		Rows:             []map[string]any{},
		Metadata:         map[string]*proto.QueryMetadata{},
		RowsByConnection: map[string]int{},
	}
	res.Err = p.Execute(ctx, req, func(resp *proto.ExecuteResponse) bool {
		if md := resp.GetMetadata(); md != nil {
			res.Metadata[resp.GetConnection()] = md
		}
		if resp.GetRow() == nil {
			return false
		}
		res.RowsByConnection[resp.GetConnection()]++
		res.Rows = append(res.Rows, RowValues(resp.GetRow()))
		return true
	})
	return res
}
