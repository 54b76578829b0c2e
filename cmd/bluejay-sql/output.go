package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bluejay-community/steampipe-plugin-bluejay/engine"
)

// maxCellWidth bounds a table cell: JSON columns (evaluations, events) run to kilobytes, and
// one of them would push every other column off the screen. json and csv are never cut.
const maxCellWidth = 60

func writeResult(w io.Writer, format string, res *engine.Result) error {
	bw := bufio.NewWriter(w)
	var err error
	switch format {
	case "json":
		err = writeJSON(bw, res)
	case "csv":
		err = writeCSV(bw, res)
	default:
		writeTable(bw, res)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// writeTable prints an aligned table with a row count, like psql.
func writeTable(w *bufio.Writer, res *engine.Result) {
	cells := make([][]string, len(res.Rows))
	widths := make([]int, len(res.Columns))
	for i, c := range res.Columns {
		widths[i] = utf8.RuneCountInString(c)
	}
	for r, row := range res.Rows {
		cells[r] = make([]string, len(row))
		for i, v := range row {
			cells[r][i] = tableCell(v)
			widths[i] = max(widths[i], utf8.RuneCountInString(cells[r][i]))
		}
	}
	right := numericColumns(res)
	writeLine(w, res.Columns, widths, nil)
	seps := make([]string, len(widths))
	for i, n := range widths {
		seps[i] = strings.Repeat("-", n)
	}
	writeLine(w, seps, widths, nil)
	for _, row := range cells {
		writeLine(w, row, widths, right)
	}
	noun := "rows"
	if len(res.Rows) == 1 {
		noun = "row"
	}
	fmt.Fprintf(w, "(%d %s)\n", len(res.Rows), noun)
}

// writeLine writes one row, numbers right-aligned so their digits line up.
func writeLine(w *bufio.Writer, cells []string, widths []int, right []bool) {
	for i, c := range cells {
		if i > 0 {
			w.WriteString(" | ")
		}
		pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
		switch {
		case right != nil && right[i]:
			w.WriteString(pad + c)
		case i < len(cells)-1:
			w.WriteString(c + pad)
		default:
			w.WriteString(c)
		}
	}
	w.WriteByte('\n')
}

// numericColumns are the columns whose values are all numbers or NULL.
func numericColumns(res *engine.Result) []bool {
	out := make([]bool, len(res.Columns))
	for i := range out {
		out[i] = true
		for _, row := range res.Rows {
			switch row[i].(type) {
			case int64, float64, nil:
			default:
				out[i] = false
			}
		}
	}
	return out
}

// tableCell is one value on one line: newlines shown as \n, long values cut with an ellipsis.
func tableCell(v any) string {
	if v == nil {
		return "<null>"
	}
	s := strings.NewReplacer("\r", `\r`, "\n", `\n`, "\t", " ").Replace(text(v))
	if utf8.RuneCountInString(s) > maxCellWidth {
		s = string([]rune(s)[:maxCellWidth-1]) + "…"
	}
	return s
}

// text formats a value as SQLite would print it, without a float's spurious ".0" noise.
func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []byte:
		return fmt.Sprintf("x'%x'", x)
	}
	return fmt.Sprint(v)
}

// writeJSON prints an array of objects, one per line, keys in column order.
func writeJSON(w *bufio.Writer, res *engine.Result) error {
	w.WriteString("[")
	for r, row := range res.Rows {
		if r > 0 {
			w.WriteString(",")
		}
		w.WriteString("\n  {")
		for i, v := range row {
			if i > 0 {
				w.WriteString(", ")
			}
			k, _ := json.Marshal(res.Columns[i])
			val, err := json.Marshal(v)
			if err != nil {
				return err
			}
			w.Write(k)
			w.WriteString(": ")
			w.Write(val)
		}
		w.WriteString("}")
	}
	if len(res.Rows) > 0 {
		w.WriteString("\n")
	}
	w.WriteString("]\n")
	return nil
}

// writeCSV prints a header and the rows; NULL is an empty field.
func writeCSV(w *bufio.Writer, res *engine.Result) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(res.Columns); err != nil {
		return err
	}
	for _, row := range res.Rows {
		rec := make([]string, len(row))
		for i, v := range row {
			if v != nil {
				rec[i] = text(v)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
