package main

import (
	"fmt"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
)

// printResults writes the scenarios measured as two Markdown tables, ready for
// docs/performance.md: the measurements, then what each bound is made of.
func printResults(results map[string]result, all []scenario, c costs) {
	fmt.Println("| scenario | rows | requests | wall | rows/s | plugin peak RSS | plugin CPU | bound | wall / bound |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, sc := range all {
		r, ok := results[sc.name]
		if !ok {
			continue
		}
		fmt.Printf("| %s | %d | %d | %s | %.0f | %s | %s | %s | %.2f |\n",
			sc.title, r.rows, r.requests, seconds(r.wall), r.rowsPerSecond(), mib(r.peakRSS), cpuTime(r), seconds(r.bound), r.ratio())
	}
	fmt.Println()
	fmt.Println("| scenario | page size | pages | in flight (C) | round trips | RTT per page | decode per page | all-agents RTT | peak in flight | peak requests/s |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, sc := range all {
		if _, ok := results[sc.name]; !ok {
			continue
		}
		b, r := sc.bound, results[sc.name]
		rtt := c.rtt[b.pageSize]
		if b.walkOf != nil {
			rtt = c.walkRTT // its "pages" are the walk's requests, and a run's results the largest
		}
		fmt.Printf("| %s | %d | %d | %d | %d | %s | %s | %s | %d | %d |\n",
			sc.title, b.pageSize, b.pages, b.concurrency, b.rounds, millis(rtt), millis(c.decode[b.pageSize]), agentsRTT(c, b), r.peakInFlight, r.peakRate)
	}
}

func agentsRTT(c costs, b boundSpec) string {
	if b.agentsOf == nil {
		return "-"
	}
	return millis(c.agentsRTT[b.agentsOf])
}

func cpuTime(r result) string {
	if r.peakRSS == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f s", r.cpu.Seconds())
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f s", d.Seconds()) }
func millis(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

func mib(b int64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
}

// check is one target of docs/performance.md with what was measured.
type check struct {
	target   string
	measured string
	ok       bool
}

// checks evaluates every target whose scenarios ran.
func checks(o options, all []scenario, rs map[string]result, c costs) []check {
	var out []check
	add := func(target, measured string, ok bool) { out = append(out, check{target, measured, ok}) }
	full, hasFull := rs[scFull]
	if hasFull {
		add("full scan within 1.5x of the bound", fmt.Sprintf("%.2fx", full.ratio()), full.ratio() <= 1.5)
		want := ceilDiv(o.calls, api.MaxPageSize)
		add(fmt.Sprintf("full scan sends ceil(%d/100) = %d page requests", o.calls, want), fmt.Sprint(full.pageRequests), full.pageRequests == want)
	}
	if base, ok := rs[scBaseline]; ok && hasFull {
		speedup := base.wall.Seconds() / full.wall.Seconds()
		add("full scan at least 10x faster than the sequential page_size 20 loop", fmt.Sprintf("%.1fx", speedup), speedup >= 10)
	}
	if r, ok := rs[scLimit10]; ok {
		add("limit 10 sends one request", fmt.Sprint(r.requests), r.requests == 1)
	}
	if r, ok := rs[scJoin]; ok {
		want := ceilDiv(o.calls, api.MaxPageSize)
		add("join sends the requests of one scan", fmt.Sprint(r.pageRequests), r.pageRequests == want)
	}
	if r, ok := rs[scAgents]; ok {
		want := o.agents * ceilDiv(o.calls/o.agents, api.MaxPageSize)
		add(fmt.Sprintf("%d agents send %d page requests", o.agents, want), fmt.Sprint(r.pageRequests), r.pageRequests == want)
	}
	if big, ok := rs[scBig]; ok {
		want := ceilDiv(o.bigCalls, api.MaxPageSize)
		add(fmt.Sprintf("%d-call scan sends %d page requests", o.bigCalls, want), fmt.Sprint(big.pageRequests), big.pageRequests == want)
		if hasFull {
			growth := float64(big.peakRSS) / float64(full.peakRSS)
			add(fmt.Sprintf("peak RSS grows less than 2x from %d to %d calls", o.calls, o.bigCalls),
				fmt.Sprintf("%.2fx (%s -> %s)", growth, mib(full.peakRSS), mib(big.peakRSS)), growth < 2)
		}
	}
	out = append(out, budgetChecks(o, all, rs)...)
	rate := c.decodeCallsPerSecond()
	add("decoding keeps up with 20,000 calls/s on one core", fmt.Sprintf("%.0f calls/s", rate), rate >= 20_000)
	return out
}

// printChecks lists the checks and reports whether any failed.
func printChecks(cs []check) (failed bool) {
	fmt.Println("| target | measured | holds |")
	fmt.Println("|---|---:|---|")
	for _, c := range cs {
		verdict := "yes"
		if !c.ok {
			verdict, failed = "**NO**", true
		}
		fmt.Printf("| %s | %s | %s |\n", c.target, c.measured, verdict)
	}
	return failed
}

// budgetChecks are the targets of reading many agents under one request budget per connection.
func budgetChecks(o options, all []scenario, rs map[string]result) []check {
	var out []check
	add := func(target, measured string, ok bool) { out = append(out, check{target, measured, ok}) }
	for _, sc := range all {
		if r, ok := rs[sc.name]; ok && !sc.sequential {
			add(fmt.Sprintf("%q keeps at most %d requests in flight", sc.title, sc.bound.concurrency),
				fmt.Sprint(r.peakInFlight), r.peakInFlight <= sc.bound.concurrency)
		}
	}
	full, hasFull := rs[scFull]
	for _, name := range []string{scFleet, scWide, scAgents} {
		sc, r, ok := find(all, rs, name)
		if !ok {
			continue
		}
		add(fmt.Sprintf("%s within 1.5x of the bound", sc.title), fmt.Sprintf("%.2fx", r.ratio()), r.ratio() <= 1.5)
		if name == scAgents {
			continue
		}
		want := sc.bound.pages + 1 // and the all-agents request
		add(fmt.Sprintf("%s sends %d requests", sc.title, want), fmt.Sprint(r.requests), r.requests == want)
		if hasFull {
			growth := float64(r.peakRSS) / float64(full.peakRSS)
			add(fmt.Sprintf("%s: peak RSS within 1.2x of the single-agent scan of %d calls", sc.title, o.calls),
				fmt.Sprintf("%.2fx (%s vs %s)", growth, mib(r.peakRSS), mib(full.peakRSS)), growth <= 1.2)
		}
	}
	if sc, r, ok := find(all, rs, scWalk); ok {
		add(fmt.Sprintf("%s within 1.5x of the bound", sc.title), fmt.Sprintf("%.2fx", r.ratio()), r.ratio() <= 1.5)
		add(fmt.Sprintf("%s sends %d requests", sc.title, walkRequests), fmt.Sprint(r.requests), r.requests == walkRequests)
		rows := int64(walkAgents * walkSimulations * walkRuns * walkTests)
		add(fmt.Sprintf("%s returns %d results", sc.title, rows), fmt.Sprint(r.rows), r.rows == rows)
	}
	if _, r, ok := find(all, rs, scBeside); ok {
		ratio := r.besideWall.Seconds() / r.besideBound.Seconds()
		add("the small query beside the large scan within 1.5x of its own bound",
			fmt.Sprintf("%.2fx (%s, bound %s)", ratio, seconds(r.besideWall), seconds(r.besideBound)), ratio <= 1.5)
	}
	return out
}

func find(all []scenario, rs map[string]result, name string) (scenario, result, bool) {
	for _, sc := range all {
		if r, ok := rs[sc.name]; ok && sc.name == name {
			return sc, r, true
		}
	}
	return scenario{}, result{}, false
}
