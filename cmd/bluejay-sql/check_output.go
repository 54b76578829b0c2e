package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/bluejay-community/steampipe-plugin-bluejay/modcheck"
)

func writeCheck(w io.Writer, format string, m *modcheck.Mod, results []checkResult) error {
	bw := bufio.NewWriter(w)
	var err error
	switch format {
	case "json":
		err = writeCheckJSON(bw, m, results)
	case "csv":
		err = writeCheckCSV(bw, results)
	default:
		writeCheckText(bw, m, results)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// totals adds up the rows of every result per status.
func totals(results []checkResult) map[string]int {
	out := map[string]int{}
	for _, r := range results {
		for s, n := range r.Counts() {
			out[s] += n
		}
	}
	return out
}

func countsText(c map[string]int) string {
	parts := make([]string, len(modcheck.Statuses))
	for i, s := range modcheck.Statuses {
		parts[i] = fmt.Sprintf("%s %d", s, c[s])
	}
	return strings.Join(parts, ", ")
}

// worst is the status a control shows in the summary: error, else alarm, else ok/info/skip.
func worst(c map[string]int) string {
	for _, s := range []string{modcheck.StatusError, modcheck.StatusAlarm, modcheck.StatusOK, modcheck.StatusInfo, modcheck.StatusSkip} {
		if c[s] > 0 {
			return s
		}
	}
	return modcheck.StatusSkip
}

// writeCheckText prints each benchmark's controls with their counts, every alarm and error
// with its reason, and the totals, as Powerpipe's text output does.
func writeCheckText(w *bufio.Writer, m *modcheck.Mod, results []checkResult) {
	group := "\x00"
	for _, r := range results {
		if r.benchmark != group {
			group = r.benchmark
			title := "Controls"
			if b := m.Benchmark(group); b != nil {
				title = fmt.Sprintf("%s (benchmark.%s)", b.Title, b.Name)
			}
			fmt.Fprintf(w, "\n%s\n", title)
		}
		c := r.Counts()
		fmt.Fprintf(w, "  [%-5s] %s", strings.ToUpper(worst(c)), r.Control.Name)
		if r.Control.Title != "" {
			fmt.Fprintf(w, ": %s", r.Control.Title)
		}
		fmt.Fprintf(w, "\n          %s\n", countsText(c))
		if r.Err != nil {
			fmt.Fprintf(w, "          ERROR %s\n", r.Err)
			continue
		}
		for _, row := range r.Rows {
			if row.Status == modcheck.StatusAlarm || row.Status == modcheck.StatusError {
				fmt.Fprintf(w, "          %s %s: %s\n", strings.ToUpper(row.Status), row.Resource, row.Reason)
			}
		}
	}
	noun := "controls"
	if len(results) == 1 {
		noun = "control"
	}
	fmt.Fprintf(w, "\nSummary: %d %s; %s\n", len(results), noun, countsText(totals(results)))
}

type jsonRow struct {
	Resource   string            `json:"resource"`
	Status     string            `json:"status"`
	Reason     string            `json:"reason"`
	Dimensions map[string]string `json:"dimensions"`
}

type jsonControl struct {
	Benchmark string         `json:"benchmark,omitempty"`
	Control   string         `json:"control"`
	Title     string         `json:"title,omitempty"`
	Error     string         `json:"error,omitempty"`
	Summary   map[string]int `json:"summary"`
	Rows      []jsonRow      `json:"rows"`
}

func fullCounts(c map[string]int) map[string]int {
	out := map[string]int{}
	for _, s := range modcheck.Statuses {
		out[s] = c[s]
	}
	return out
}

func writeCheckJSON(w io.Writer, m *modcheck.Mod, results []checkResult) error {
	doc := struct {
		Mod      string         `json:"mod"`
		Summary  map[string]int `json:"summary"`
		Controls []jsonControl  `json:"controls"`
	}{Mod: m.Name, Summary: fullCounts(totals(results)), Controls: []jsonControl{}}
	for _, r := range results {
		jc := jsonControl{Benchmark: r.benchmark, Control: r.Control.Name, Title: r.Control.Title, Summary: fullCounts(r.Counts()), Rows: []jsonRow{}}
		if r.Err != nil {
			jc.Error = r.Err.Error()
		}
		for _, row := range r.Rows {
			dims := map[string]string{}
			for _, d := range row.Dimensions {
				dims[d.Key] = d.Value
			}
			jc.Rows = append(jc.Rows, jsonRow{Resource: row.Resource, Status: row.Status, Reason: row.Reason, Dimensions: dims})
		}
		doc.Controls = append(doc.Controls, jc)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// writeCheckCSV writes one record per row, a control that failed as one error record, and
// one column per dimension any control returns.
func writeCheckCSV(w io.Writer, results []checkResult) error {
	var dims []string
	seen := map[string]bool{}
	for _, r := range results {
		for _, row := range r.Rows {
			for _, d := range row.Dimensions {
				if !seen[d.Key] {
					seen[d.Key] = true
					dims = append(dims, d.Key)
				}
			}
		}
	}
	sort.Strings(dims)
	cw := csv.NewWriter(w)
	if err := cw.Write(append([]string{"benchmark", "control", "title", "resource", "status", "reason"}, dims...)); err != nil {
		return err
	}
	for _, r := range results {
		head := []string{r.benchmark, r.Control.Name, r.Control.Title}
		if r.Err != nil {
			if err := cw.Write(append(append(head, "", modcheck.StatusError, r.Err.Error()), make([]string, len(dims))...)); err != nil {
				return err
			}
			continue
		}
		for _, row := range r.Rows {
			rec := append(append([]string{}, head...), row.Resource, row.Status, row.Reason)
			for _, k := range dims {
				v := ""
				for _, d := range row.Dimensions {
					if d.Key == k {
						v = d.Value
					}
				}
				rec = append(rec, v)
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// JUnit XML, as CI systems read it: a suite per control, a case per resource; an alarm is a
// failure, an error an error, a skip skipped.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

func junitReport(results []checkResult) junitSuites {
	doc := junitSuites{Name: "bluejay-sql check"}
	for _, r := range results {
		name := "control." + r.Control.Name
		if r.benchmark != "" {
			name = "benchmark." + r.benchmark + "/" + name
		}
		s := junitSuite{Name: name, Time: fmt.Sprintf("%.3f", r.Duration.Seconds())}
		class := "bluejay.control." + r.Control.Name
		if r.Err != nil {
			s.Cases = append(s.Cases, junitCase{Classname: class, Name: r.Control.Name, Error: &junitMessage{Message: r.Err.Error(), Type: "error", Text: r.Err.Error()}})
		}
		for _, row := range r.Rows {
			c := junitCase{Classname: class, Name: row.Resource, SystemOut: row.Reason}
			msg := &junitMessage{Message: row.Reason, Type: row.Status, Text: row.Reason}
			switch row.Status {
			case modcheck.StatusAlarm:
				c.Failure = msg
			case modcheck.StatusError:
				c.Error = msg
			case modcheck.StatusSkip:
				c.Skipped = msg
			}
			s.Cases = append(s.Cases, c)
		}
		for _, c := range s.Cases {
			s.Tests++
			switch {
			case c.Failure != nil:
				s.Failures++
			case c.Error != nil:
				s.Errors++
			case c.Skipped != nil:
				s.Skipped++
			}
		}
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
		doc.Suites = append(doc.Suites, s)
	}
	return doc
}

func writeJUnitFile(path string, results []checkResult) error {
	b, err := xml.MarshalIndent(junitReport(results), "", "  ")
	if err != nil {
		return err
	}
	b = append([]byte(xml.Header), append(b, '\n')...)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("--junit: %w", err)
	}
	return nil
}
