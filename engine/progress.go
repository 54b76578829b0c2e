package engine

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/bluejay-community/steampipe-plugin-bluejay/bluejay"
)

// Progress counts what a running query has read so far, for a progress line: the API pages the
// plugin read and the rows it handed to SQLite (before SQLite's own filtering). Another
// goroutine may read it while the query runs.
type Progress struct {
	Pages atomic.Int64
	Rows  atomic.Int64
}

type progressKey struct{}

// WithProgress returns a context whose queries count into p.
func WithProgress(ctx context.Context, p *Progress) context.Context {
	ctx = context.WithValue(ctx, progressKey{}, p)
	return bluejay.WithPageHook(ctx, func() { p.Pages.Add(1) })
}

// progressOf is the Progress a query's context counts into, nil when none.
func progressOf(ctx context.Context) *Progress {
	p, _ := ctx.Value(progressKey{}).(*Progress)
	return p
}

// WithWarnings returns a context whose queries call warn with each warning the plugin has for
// the user (an agent the query named that the account does not have), each distinct warning
// once per context, from the goroutine of the scan that met it.
func WithWarnings(ctx context.Context, warn func(string)) context.Context {
	var mu sync.Mutex
	seen := map[string]bool{}
	return bluejay.WithWarningHook(ctx, func(msg string) {
		mu.Lock()
		first := !seen[msg]
		seen[msg] = true
		mu.Unlock()
		if first {
			warn(msg)
		}
	})
}
