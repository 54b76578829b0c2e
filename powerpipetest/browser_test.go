package powerpipetest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
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
	Value    string `json:"value"` // a card's value as shown
}

// panelsJS reads every card, chart, table and input panel of the page (each is a div whose id
// is the panel's name, mod.type.name), whether it shows an error, and whether it rendered its
// data: a card its value, a chart its canvas, a table a row.
const panelsJS = `[...document.querySelectorAll('div[id^="bluejay."]')]
  .filter((d) => /^bluejay\.(card|chart|table)\./.test(d.id))
  .map((d) => {
    const type = d.id.split(".")[1];
    const err = d.querySelector(".break-keep.border-alert"); // PanelStatus's error box
    const rendered = {
      card: () => /\d/.test(d.innerText),
      chart: () => !!d.querySelector("canvas, svg"),
      table: () => d.querySelectorAll("tbody tr").length > 0,
    }[type]();
    const value = type === "card" ? d.querySelector("dd")?.innerText ?? "" : "";
    return { id: d.id, error: err ? err.innerText : "", rendered, value };
  })`

// Every dashboard in headless Chromium, served by `powerpipe server` from the FDW database:
// every panel renders its data and none shows an error. The detail dashboard is opened without
// an agent, and the agent is picked in its drop-down as a user picks it: a mouse click on the
// control, its name typed, a click on the one option left. Each page is kept as a screenshot.
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
			if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/bluejay.dashboard."+d.Name)); err != nil {
				t.Fatalf("open the dashboard: %v\nserver: %s", err, srv.Output())
			}
			var want *pickedAgent
			if hasInput(d) {
				want = agentToPick(t, e)
				pickAgent(t, ctx, want)
			}
			panels := waitRendered(t, ctx, dataPanels(d), want)
			for _, p := range panels {
				if p.Error != "" {
					t.Errorf("%s shows an error: %s", p.ID, p.Error)
				}
			}
			if err := os.WriteFile(filepath.Join(shots, d.Name+".png"), wholeDashboard(t, ctx), 0o644); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// contentHeightJS is where the page's content ends: Powerpipe scrolls a dashboard inside a
// container below its header, so a screenshot of the page shows only its top, and the window
// must be as tall as the container's top plus all it scrolls.
const contentHeightJS = `Math.ceil(Math.max(...[...document.querySelectorAll("*")]
  .map((e) => e.getBoundingClientRect().top + e.scrollHeight)))`

// wholeDashboard is a PNG of the whole dashboard: the window made as tall as its content for
// the screenshot (the charts redraw for the new size first), then set back.
func wholeDashboard(t *testing.T, ctx context.Context) []byte {
	t.Helper()
	height, err := chromedp.Run(ctx, chromedp.Evaluate[int64](contentHeightJS))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(windowWidth, height), chromedp.Sleep(time.Second)); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(windowWidth, windowHeight)); err != nil {
		t.Fatal(err)
	}
	return png
}

// The browser's window: a laptop's screen.
const windowWidth, windowHeight = 1280, 900

// browser starts headless Chromium for the test.
func browser(t *testing.T, chromium string) context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox, // as root, Chromium refuses its sandbox
		chromedp.DisableGPU,
		chromedp.WindowSize(windowWidth, windowHeight),
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

// waitRendered polls the page until want panels have rendered (or one shows an error) and,
// with an agent picked, its first card shows that agent's call count; it returns the panels,
// and fails the test when that does not happen within the context's time.
func waitRendered(t *testing.T, ctx context.Context, want int, agent *pickedAgent) []panelState {
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
		if len(panels) == want && done == want && agent.shownBy(panels) {
			return panels
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%d of %d panels rendered%s: %s", done, want, agent.describe(), describe(panels))
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func describe(panels []panelState) string {
	var b strings.Builder
	for _, p := range panels {
		fmt.Fprintf(&b, "\n  %s rendered=%v value=%q error=%q", p.ID, p.Rendered, p.Value, p.Error)
	}
	return b.String()
}

// hasInput says whether the dashboard has an input (the detail dashboard's agent).
func hasInput(d *modcheck.Dashboard) bool {
	return slices.ContainsFunc(d.Panels, func(p *modcheck.Panel) bool { return p.Kind == "input" })
}

// pickedAgent is the agent the test picks in the drop-down, with what the SQLite engine says
// about it on the same data.
type pickedAgent struct {
	ID, Name string
	// Calls is its call count in the mod's window, the figure the first card must show.
	Calls int64
}

// browserAgent is the agent the browser test picks: agent 7, since the drop-down selects the
// first agent by name by itself, which is 42 on the fake account.
const browserAgent = "7"

// agentToPick is browserAgent, read from the SQLite engine: its name (what a user types and
// sees in the drop-down) and its call count in the window. It must not be the agent the
// drop-down selects by itself (the first by name), or picking it would prove nothing.
func agentToPick(t *testing.T, e *env) *pickedAgent {
	t.Helper()
	ctx := context.Background()
	agents, err := e.db.Query(ctx, "select id, name from bluejay_agent order by name, id")
	if err != nil {
		t.Fatal(err)
	}
	a := &pickedAgent{ID: browserAgent}
	for i, r := range agents.Rows {
		if fmt.Sprint(r[0]) != browserAgent {
			continue
		}
		if i == 0 {
			t.Fatalf("agent %s is first by name, the drop-down's own choice: pick another agent", browserAgent)
		}
		a.Name = fmt.Sprint(r[1])
	}
	if a.Name == "" {
		t.Fatalf("the fake account has no agent %s", browserAgent)
	}
	m, err := modcheck.Load(mod.Files, "mod", nil)
	if err != nil {
		t.Fatal(err)
	}
	q := m.Query("agent_call_count")
	args, err := modcheck.Args(q.Params, map[string]any{"agent_id": browserAgent})
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.db.Query(ctx, modcheck.SQLiteSQL(q.SQL), args...)
	if err != nil {
		t.Fatal(err)
	}
	a.Calls = res.Rows[0][1].(int64)
	return a
}

// pickAgent selects the agent in the dashboard's drop-down (Powerpipe's react-select input)
// with real input events from the DevTools protocol, then waits until the dashboard's URL and
// the drop-down both show it.
//
// The control is drawn disabled (and loading) until the input's own query has returned its
// options over the server's websocket; a click then does nothing, which is why a test that
// clicked as soon as the control appeared never saw a menu. So the test waits for the control
// to be enabled first. react-select opens its menu on a mouse press on the control and
// focuses its text input, where the typed name filters the options down to one.
func pickAgent(t *testing.T, ctx context.Context, a *pickedAgent) {
	t.Helper()
	const (
		enabled = ".select__control:not(.select__control--is-disabled)"
		option  = ".select__menu .select__option"
	)
	err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(enabled)),
		chromedp.Click(chromedp.CSS(enabled)),
		chromedp.WaitVisible(chromedp.CSS(option)),
		chromedp.KeyEvent(a.Name),
	)
	if err != nil {
		t.Fatalf("open the drop-down and type %q: %v", a.Name, err)
	}
	options := waitFor(t, ctx, "the typed name to leave one option", `[...document.querySelectorAll("`+option+`")].map((o) => o.innerText)`,
		func(options []string) bool { return len(options) == 1 })
	if options[0] != a.Name {
		t.Fatalf("typing %q left the option %q", a.Name, options[0])
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(option))); err != nil {
		t.Fatalf("click the option %q: %v", a.Name, err)
	}
	waitFor(t, ctx, "the drop-down to show "+a.Name, `document.querySelector(".select__single-value")?.innerText ?? ""`,
		func(shown string) bool { return shown == a.Name })
	wantQuery := "input.agent_id=" + url.QueryEscape(a.ID)
	waitFor(t, ctx, "the URL to carry "+wantQuery, `location.search`,
		func(search string) bool { return strings.Contains(search, wantQuery) })
}

// waitFor polls a JavaScript expression until ok accepts its value, and returns that value;
// it fails the test, naming what it waited for, when the context ends first.
func waitFor[T any](t *testing.T, ctx context.Context, what, expr string, ok func(T) bool) T {
	t.Helper()
	for {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
		if err == nil && ok(v) {
			return v
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: last saw %v (%v)", what, v, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// shownBy says whether the first card, the call count, shows the agent's figure: the
// dashboard has re-run its panels for the picked agent. No agent: nothing to check.
func (a *pickedAgent) shownBy(panels []panelState) bool {
	if a == nil {
		return true
	}
	for _, p := range panels {
		if strings.HasPrefix(p.ID, "bluejay.card.") {
			return digits(p.Value) == strconv.FormatInt(a.Calls, 10)
		}
	}
	return false
}

func (a *pickedAgent) describe() string {
	if a == nil {
		return ""
	}
	return fmt.Sprintf(" with the first card at agent %s's %d calls", a.ID, a.Calls)
}

// digits keeps a shown number's digits: 2,500 -> 2500.
func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
