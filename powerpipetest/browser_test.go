package powerpipetest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/bluejay-community/steampipe-plugin-bluejay/harness/powerpipe"
	"github.com/bluejay-community/steampipe-plugin-bluejay/mod"
	"github.com/bluejay-community/steampipe-plugin-bluejay/modcheck"
)

// EnvScreenshots is where the browser test writes its screenshots (`make screenshots` sets it
// to docs/img); a temp dir unless set.
const EnvScreenshots = "BLUEJAY_SCREENSHOTS"

// panelState is what the page shows of one panel, read by panelsJS.
type panelState struct {
	ID       string `json:"id"`
	Error    string `json:"error"`
	Rendered bool   `json:"rendered"`
}

// panelsJS reads every card, chart, table and input panel of the page (each is a div whose id
// is the panel's name, mod.type.name), whether it shows an error, and whether it rendered its
// data: a card its value, a chart its canvas, a table a row, an input its drop-down.
const panelsJS = `[...document.querySelectorAll('div[id^="bluejay."]')]
  .filter((d) => /^bluejay\.(card|chart|table)\./.test(d.id))
  .map((d) => {
    const type = d.id.split(".")[1];
    const err = d.querySelector(".break-keep.border-alert"); // PanelStatus's error box
    const rendered = {
      card: () => /\d/.test(d.innerText),
      chart: () => !!d.querySelector("canvas, svg"),
      table: () => d.querySelectorAll("tbody tr").length > 0,
      input: () => !!d.querySelector("input, select, [class*='__control']"),
    }[type]();
    return { id: d.id, error: err ? err.innerText : "", rendered };
  })`

// Both dashboards in headless Chromium, served by `powerpipe server` from the FDW database:
// every panel renders its data and none shows an error; the detail dashboard gets its agent in
// its URL. Each page is kept as a screenshot.
func TestDashboardsInBrowser(t *testing.T) {
	e := sharedEnv(t)
	chromium, err := powerpipe.Chromium()
	skipOrFail(t, err)
	pp, err := powerpipe.New(powerpipe.Options{Database: database(e.pg), Assets: true})
	skipOrFail(t, err)
	t.Cleanup(pp.Close)
	srv, err := pp.StartServer(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	m, err := modcheck.Load(mod.Files, "mod", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := browser(t, chromium)
	shots := screenshotDir(t)
	for _, d := range m.Dashboards {
		t.Run(d.Name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
			defer cancel()
			if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/bluejay.dashboard."+d.Name+urlInputs(d.Name))); err != nil {
				t.Fatalf("open the dashboard: %v\nserver: %s", err, srv.Output())
			}
			panels := waitRendered(t, ctx, dataPanels(d))
			for _, p := range panels {
				if p.Error != "" {
					t.Errorf("%s shows an error: %s", p.ID, p.Error)
				}
			}
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(shots, d.Name+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// browser starts headless Chromium for the test.
func browser(t *testing.T, chromium string) context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox, // as root, Chromium refuses its sandbox
		chromedp.DisableGPU,
		chromedp.WindowSize(1280, 900),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", chromium, err)
	}
	return ctx
}

func screenshotDir(t *testing.T) string {
	dir := os.Getenv(EnvScreenshots)
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// dataPanels counts the cards, charts and tables: the input's drop-down is not a div named
// after the panel, so the page is checked by the panels its value feeds.
func dataPanels(d *modcheck.Dashboard) int {
	n := 0
	for _, p := range d.Panels {
		if p.Kind != "input" {
			n++
		}
	}
	return n
}

// urlInputs gives the dashboard's inputs in its URL, ?input.agent_id=42, as a link to it
// would. (Picking the agent in the drop-down with the mouse is not driven yet.)
func urlInputs(dashboard string) string {
	var q []string
	for _, a := range dashboardArgs[dashboard] {
		q = append(q, "input."+a)
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + strings.Join(q, "&")
}

// waitRendered polls the page until want panels have rendered (or one shows an error), and
// returns them; it fails the test when they do not within the context's time.
func waitRendered(t *testing.T, ctx context.Context, want int) []panelState {
	t.Helper()
	var panels []panelState
	for {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]panelState](panelsJS))
		if err != nil {
			t.Fatalf("read the panels: %v (last seen: %s)", err, describe(panels))
		}
		panels = got
		done := 0
		for _, p := range panels {
			if p.Rendered || p.Error != "" {
				done++
			}
		}
		if len(panels) == want && done == want {
			return panels
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%d of %d panels rendered: %s", done, want, describe(panels))
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func describe(panels []panelState) string {
	var b strings.Builder
	for _, p := range panels {
		fmt.Fprintf(&b, "\n  %s rendered=%v error=%q", p.ID, p.Rendered, p.Error)
	}
	return b.String()
}
