package docs_test

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
)

// This file is a light reading of the Postgres examples: enough SQL to find the plugin tables an
// example scans, the columns it names, and the qualifiers Postgres would push down to each scan.
// It is not a parser: it knows the constructs the docs use, and fails loudly on names it cannot
// place, which is the point.

type tokKind int

const (
	tIdent tokKind = iota
	tQuoted
	tString
	tNumber
	tOp
	tLParen
	tRParen
	tComma
	tDot
	tSemi
)

type token struct {
	kind  tokKind
	text  string // identifiers lowercased; strings unquoted
	start int    // byte offset in the SQL
	end   int
	depth int // parenthesis depth; a paren token has the depth outside it
}

func (t token) is(kind tokKind, text string) bool { return t.kind == kind && t.text == text }
func (t token) kw(text string) bool               { return t.kind == tIdent && t.text == text }

// tokenize splits SQL into tokens, dropping comments.
func tokenize(sql string) ([]token, error) {
	var out []token
	depth := 0
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case strings.HasPrefix(sql[i:], "--"):
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
		case strings.HasPrefix(sql[i:], "/*"):
			j := strings.Index(sql[i+2:], "*/")
			if j < 0 {
				return nil, fmt.Errorf("unterminated comment at %d", i)
			}
			i += j + 4
		case c == '\'':
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(sql) {
					return nil, fmt.Errorf("unterminated string at %d", i)
				}
				if sql[j] == '\'' {
					if j+1 < len(sql) && sql[j+1] == '\'' {
						b.WriteByte('\'')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(sql[j])
				j++
			}
			out = append(out, token{kind: tString, text: b.String(), start: i, end: j + 1, depth: depth})
			i = j + 1
		case c == '"':
			j := strings.IndexByte(sql[i+1:], '"')
			if j < 0 {
				return nil, fmt.Errorf("unterminated quoted identifier at %d", i)
			}
			out = append(out, token{kind: tQuoted, text: sql[i+1 : i+1+j], start: i, end: i + j + 2, depth: depth})
			i += j + 2
		case c == '(':
			out = append(out, token{kind: tLParen, text: "(", start: i, end: i + 1, depth: depth})
			depth++
			i++
		case c == ')':
			depth--
			if depth < 0 {
				return nil, fmt.Errorf("unbalanced ) at %d", i)
			}
			out = append(out, token{kind: tRParen, text: ")", start: i, end: i + 1, depth: depth})
			i++
		case c == ',':
			out = append(out, token{kind: tComma, text: ",", start: i, end: i + 1, depth: depth})
			i++
		case c == ';':
			out = append(out, token{kind: tSemi, text: ";", start: i, end: i + 1, depth: depth})
			i++
		case c == '.' && !(i+1 < len(sql) && sql[i+1] >= '0' && sql[i+1] <= '9'):
			out = append(out, token{kind: tDot, text: ".", start: i, end: i + 1, depth: depth})
			i++
		case c >= '0' && c <= '9' || c == '.':
			j := i
			for j < len(sql) && (sql[j] >= '0' && sql[j] <= '9' || sql[j] == '.' || sql[j] == 'e' || sql[j] == 'E') {
				j++
			}
			out = append(out, token{kind: tNumber, text: sql[i:j], start: i, end: j, depth: depth})
			i = j
		case c == '_' || c < 0x80 && unicode.IsLetter(rune(c)):
			j := i
			for j < len(sql) && (sql[j] == '_' || sql[j] == '$' || sql[j] < 0x80 && (unicode.IsLetter(rune(sql[j])) || unicode.IsDigit(rune(sql[j])))) {
				j++
			}
			out = append(out, token{kind: tIdent, text: strings.ToLower(sql[i:j]), start: i, end: j, depth: depth})
			i = j
		default:
			op := ""
			for _, o := range []string{"->>", "#>>", "::", "->", "#>", ">=", "<=", "<>", "!=", "||", "@>", "<@", "?|", "?&"} {
				if strings.HasPrefix(sql[i:], o) {
					op = o
					break
				}
			}
			if op == "" {
				if !strings.ContainsRune("=<>+-*/%?|&#@!~^", rune(c)) {
					return nil, fmt.Errorf("unexpected character %q at %d", c, i)
				}
				op = string(c)
			}
			out = append(out, token{kind: tOp, text: op, start: i, end: i + len(op), depth: depth})
			i += len(op)
		}
	}
	if depth != 0 {
		return nil, fmt.Errorf("unbalanced ( in the statement")
	}
	return out, nil
}

// keywords are the words the examples use that are never column names. `last` is not one: it
// is a column of every call table (and a keyword only after `nulls`).
var keywords = setOf(`select from where and or not in is null true false as on join left right
	inner outer full cross lateral group by order having limit offset asc desc nulls first
	distinct case when then else end with recursive union all intersect except between like
	ilike exists interval filter over partition using within any some array cast date time
	timestamp timestamptz numeric int integer bigint text boolean float double precision real
	jsonb json varchar values current_date current_timestamp`)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// columnsOfFunctions are the output columns of the set-returning functions the examples use.
var columnsOfFunctions = map[string][]string{
	"jsonb_array_elements":      {"value"},
	"jsonb_array_elements_text": {"value"},
	"json_array_elements":       {"value"},
	"json_array_elements_text":  {"value"},
	"jsonb_each":                {"key", "value"},
	"jsonb_each_text":           {"key", "value"},
	"jsonb_object_keys":         {},
	"generate_series":           {},
}

// tableSchema is one plugin table as the built plugin declares it.
type tableSchema struct {
	Columns map[string]string // name -> type (proto name)
	Order   []string
	// Keys are the key columns with the operators the table accepts for each.
	Keys map[string][]string
}

// fromItem is one entry of a FROM clause.
type fromItem struct {
	kind  string // "table" (a plugin table), "cte", "func", "sub"
	name  string // table, CTE or function name
	alias string
	cols  []string // function output columns, or an explicit column alias list
	tok   int      // index of the table name token, for rewriting
	scope int
	// quals are the constant qualifiers Postgres would send this scan, by column.
	quals map[string]qual
}

type qual struct {
	op    string
	value any // string, int64, float64, bool, time.Time or []any
}

type scope struct {
	start, end int // token range [start, end)
	depth      int
	parent     int // -1 for none
	items      []*fromItem
}

// analysis is what checkSQL found in one example.
type analysis struct {
	toks   []token
	scopes []*scope
	items  []*fromItem // plugin table scans, in order
	// columns names every plugin column the example names, by item.
	columns map[*fromItem]map[string]bool
}

var clauseEnd = setOf("where group order having limit offset window union intersect except on using returning")

// checkSQL reads one Postgres example against the plugin's schema. now is the time now() reads.
func checkSQL(sql string, schema map[string]*tableSchema, now time.Time) (*analysis, error) {
	toks, err := tokenize(sql)
	if err != nil {
		return nil, err
	}
	for i, t := range toks {
		if t.kind == tSemi && i != len(toks)-1 {
			return nil, fmt.Errorf("one statement per example, please: ';' before the end")
		}
	}
	a := &analysis{toks: toks, columns: map[*fromItem]map[string]bool{}}
	ctes := map[string]bool{}
	consumed := map[int]bool{} // tokens already placed: names of tables, CTEs and aliases
	for i := 1; i+2 < len(toks); i++ {
		if toks[i].kind == tIdent && toks[i+1].kw("as") && toks[i+2].kind == tLParen &&
			(toks[i-1].kw("with") || toks[i-1].kw("recursive") || toks[i-1].kind == tComma && toks[i].depth == 0) {
			ctes[toks[i].text] = true
			consumed[i], consumed[i+1] = true, true
		}
	}
	a.buildScopes()
	for si, s := range a.scopes {
		if err := a.readFrom(si, s, schema, ctes, consumed); err != nil {
			return nil, err
		}
	}
	if len(a.items) == 0 {
		return nil, fmt.Errorf("names no bluejay table")
	}
	outAliases := map[string]bool{}
	for i, t := range toks {
		if t.kw("as") && i+1 < len(toks) && (toks[i+1].kind == tIdent || toks[i+1].kind == tQuoted) && !consumed[i+1] {
			outAliases[toks[i+1].text] = true
			consumed[i+1] = true
		}
	}
	if err := a.checkColumns(schema, outAliases, consumed); err != nil {
		return nil, err
	}
	if err := a.findQuals(schema, now); err != nil {
		return nil, err
	}
	return a, nil
}

// buildScopes makes a scope of every SELECT: it runs until its parenthesis closes, or a set
// operation at its depth.
func (a *analysis) buildScopes() {
	toks := a.toks
	for i, t := range toks {
		if !t.kw("select") {
			continue
		}
		s := &scope{start: i, end: len(toks), depth: t.depth, parent: -1}
		for j := i + 1; j < len(toks); j++ {
			u := toks[j]
			if u.depth < t.depth || u.kind == tRParen && u.depth == t.depth-1 ||
				u.depth == t.depth && (u.kw("union") || u.kw("intersect") || u.kw("except")) {
				s.end = j
				break
			}
		}
		for k := len(a.scopes) - 1; k >= 0; k-- {
			p := a.scopes[k]
			if p.start < i && i < p.end {
				s.parent = k
				break
			}
		}
		a.scopes = append(a.scopes, s)
	}
}

// innermost is the scope a token belongs to.
func (a *analysis) innermost(i int) int {
	best := -1
	for k, s := range a.scopes {
		if s.start <= i && i < s.end && (best < 0 || s.start > a.scopes[best].start) {
			best = k
		}
	}
	return best
}

// readFrom reads the FROM clause of one scope: its items and their aliases.
func (a *analysis) readFrom(si int, s *scope, schema map[string]*tableSchema, ctes map[string]bool, consumed map[int]bool) error {
	toks := a.toks
	i := s.start
	for ; i < s.end; i++ {
		if toks[i].kw("from") && toks[i].depth == s.depth {
			break
		}
	}
	if i >= s.end {
		return nil // select without from
	}
	i++
	for i < s.end {
		t := toks[i]
		if t.depth != s.depth {
			i++
			continue
		}
		if t.kind == tIdent && clauseEnd[t.text] && !(t.text == "on" || t.text == "using") || t.kind == tSemi {
			break
		}
		if t.kind == tComma || t.kw("join") || t.kw("lateral") {
			i++
			continue
		}
		if t.kw("left") || t.kw("right") || t.kw("inner") || t.kw("outer") || t.kw("full") || t.kw("cross") || t.kw("natural") {
			i++
			continue
		}
		if t.kw("on") || t.kw("using") {
			// skip the join condition to the next join or clause at this depth
			i++
			for i < s.end {
				u := toks[i]
				if u.depth == s.depth && (u.kind == tComma || u.kw("join") || u.kw("left") || u.kw("right") ||
					u.kw("inner") || u.kw("full") || u.kw("cross") || u.kind == tIdent && clauseEnd[u.text] && u.text != "on" && u.text != "using") {
					break
				}
				i++
			}
			continue
		}
		it := &fromItem{scope: si, tok: i}
		switch {
		case t.kind == tLParen:
			it.kind = "sub"
			i = closeParen(toks, i) + 1
		case t.kind == tIdent && i+1 < s.end && toks[i+1].kind == tLParen:
			it.kind, it.name = "func", t.text
			cols, known := columnsOfFunctions[t.text]
			if !known {
				return fmt.Errorf("FROM uses function %s, which the check does not know", t.text)
			}
			it.cols = cols
			consumed[i] = true
			i = closeParen(toks, i+1) + 1
		case t.kind == tIdent || t.kind == tQuoted:
			it.name = t.text
			consumed[i] = true
			switch {
			case schema[t.text] != nil:
				it.kind = "table"
			case ctes[t.text]:
				it.kind = "cte"
			default:
				return fmt.Errorf("unknown table %q", t.text)
			}
			i++
		default:
			return fmt.Errorf("cannot read the FROM clause at %q", t.text)
		}
		if i < s.end && toks[i].kw("as") {
			consumed[i] = true
			i++
		}
		if i < s.end && toks[i].depth == s.depth && (toks[i].kind == tIdent && !keywords[toks[i].text] && !clauseEnd[toks[i].text] && toks[i].text != "natural" || toks[i].kind == tQuoted) {
			it.alias = toks[i].text
			consumed[i] = true
			i++
			if i < s.end && toks[i].kind == tLParen {
				end := closeParen(toks, i)
				var cols []string
				for j := i + 1; j < end; j++ {
					if toks[j].kind == tIdent {
						cols = append(cols, toks[j].text)
						consumed[j] = true
					}
				}
				it.cols = cols
				i = end + 1
			}
		}
		if it.alias == "" {
			it.alias = it.name
		}
		s.items = append(s.items, it)
		if it.kind == "table" {
			a.items = append(a.items, it)
			a.columns[it] = map[string]bool{}
		}
	}
	return nil
}

func closeParen(toks []token, open int) int {
	for j := open + 1; j < len(toks); j++ {
		if toks[j].kind == tRParen && toks[j].depth == toks[open].depth {
			return j
		}
	}
	return len(toks) - 1
}

// lookupAlias finds a FROM item by alias, from the scope outwards.
func (a *analysis) lookupAlias(si int, alias string) *fromItem {
	for k := si; k >= 0; k = a.scopes[k].parent {
		for _, it := range a.scopes[k].items {
			if it.alias == alias {
				return it
			}
		}
	}
	// an alias of a scope that is not an ancestor (a CTE body's alias named in another part)
	return nil
}

// resolveBare finds the plugin scan a bare column name belongs to, from the scope outwards:
// the first scope with a FROM item that has the column. Two plugin tables with the column in
// one scope are the ambiguity Postgres rejects.
func (a *analysis) resolveBare(si int, name string, schema map[string]*tableSchema) (*fromItem, bool, error) {
	for k := si; k >= 0; k = a.scopes[k].parent {
		var found []*fromItem
		other := false
		for _, it := range a.scopes[k].items {
			switch it.kind {
			case "table":
				if _, ok := schema[it.name].Columns[name]; ok {
					found = append(found, it)
				}
			case "func":
				if slices.Contains(it.cols, name) || it.alias == name {
					other = true
				}
			case "cte", "sub":
				other = true // their output columns are not checked
			}
		}
		switch {
		case len(found) > 1:
			return nil, false, fmt.Errorf("column reference %q is ambiguous (%s and %s)", name, found[0].alias, found[1].alias)
		case len(found) == 1:
			return found[0], true, nil
		case other:
			return nil, true, nil
		}
	}
	return nil, false, nil
}

// checkColumns places every remaining identifier: a qualified name must be a column of its
// table, a bare one a column of a table in scope, an output alias, or a function's column.
func (a *analysis) checkColumns(schema map[string]*tableSchema, outAliases map[string]bool, consumed map[int]bool) error {
	toks := a.toks
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if consumed[i] || t.kind != tIdent && t.kind != tQuoted {
			continue
		}
		if i > 0 && toks[i-1].is(tOp, "::") {
			continue // a type
		}
		if t.kind == tIdent && i+1 < len(toks) && toks[i+1].kind == tLParen {
			continue // a function
		}
		if t.kind == tIdent && keywords[t.text] || i > 0 && toks[i-1].kw("nulls") {
			continue
		}
		si := a.innermost(i)
		if si < 0 {
			continue // outside every SELECT: a CTE's name or column list
		}
		if i+2 < len(toks) && toks[i+1].kind == tDot {
			col := toks[i+2]
			it := a.lookupAlias(si, t.text)
			if it == nil {
				return fmt.Errorf("%s.%s: no table or alias %q in scope", t.text, col.text, t.text)
			}
			if it.kind == "table" && !col.is(tOp, "*") {
				if _, ok := schema[it.name].Columns[col.text]; !ok {
					return fmt.Errorf("%s.%s: table %s has no column %q", t.text, col.text, it.name, col.text)
				}
				a.columns[it][col.text] = true
			}
			i += 2
			continue
		}
		it, ok, err := a.resolveBare(si, t.text, schema)
		if err != nil && !outAliases[t.text] {
			return err
		}
		if it != nil {
			a.columns[it][t.text] = true
			continue
		}
		if ok || outAliases[t.text] {
			continue
		}
		if a.lookupAlias(si, t.text) != nil {
			continue // a whole-row reference such as a function alias
		}
		return fmt.Errorf("column %q is not a column of any table in scope", t.text)
	}
	return nil
}

// colRef is one column of one plugin scan.
type colRef struct {
	item *fromItem
	col  string
}

// findQuals reads the conjuncts of each scope's WHERE and ON clauses that Postgres turns into
// qualifiers of a scan: column = constant, column in (constants), a lower time bound against
// now(), and column = column, through which constants travel (Postgres's equivalence classes).
func (a *analysis) findQuals(schema map[string]*tableSchema, now time.Time) error {
	toks := a.toks
	parent := map[colRef]colRef{}
	var find func(c colRef) colRef
	find = func(c colRef) colRef {
		p, ok := parent[c]
		if !ok || p == c {
			return c
		}
		r := find(p)
		parent[c] = r
		return r
	}
	constants := map[colRef]qual{}
	var bounds []struct {
		ref colRef
		q   qual
	}
	for si, s := range a.scopes {
		for _, cl := range a.conditionRanges(s) {
			for _, conj := range splitAnd(toks, cl[0], cl[1], s.depth) {
				if conj == nil {
					continue
				}
				left, n := a.refAt(si, conj, 0, schema)
				if left == nil || n >= len(conj) {
					continue
				}
				op := conj[n]
				rest := conj[n+1:]
				switch {
				case op.is(tOp, "=") && len(rest) == 1 && isLiteral(rest[0]):
					constants[*left] = qual{op: "=", value: literal(rest[0])}
				case op.is(tOp, "="):
					if right, m := a.refAt(si, conj, n+1, schema); right != nil && n+1+m == len(conj) {
						parent[find(*left)] = find(*right)
					}
				case op.kw("in") && len(rest) >= 3 && rest[0].kind == tLParen && rest[len(rest)-1].kind == tRParen:
					var list []any
					okList := true
					for _, u := range rest[1 : len(rest)-1] {
						switch {
						case u.kind == tComma:
						case isLiteral(u):
							list = append(list, literal(u))
						default:
							okList = false
						}
					}
					if okList {
						constants[*left] = qual{op: "=", value: list}
					}
				case (op.is(tOp, ">") || op.is(tOp, ">=")) && isNowMinus(rest):
					d, err := intervalOf(rest[len(rest)-1].text)
					if err != nil {
						return err
					}
					bounds = append(bounds, struct {
						ref colRef
						q   qual
					}{*left, qual{op: op.text, value: now.Add(-d)}})
				}
			}
		}
	}
	classConst := map[colRef]qual{}
	for ref, q := range constants {
		classConst[find(ref)] = q
	}
	for _, it := range a.items {
		it.quals = map[string]qual{}
		keys := schema[it.name].Keys
		for col := range schema[it.name].Columns {
			ref := colRef{it, col}
			q, ok := constants[ref]
			if !ok {
				q, ok = classConst[find(ref)]
			}
			if ok && slices.Contains(keys[col], "=") {
				it.quals[col] = q
			}
		}
		for _, b := range bounds {
			if b.ref.item == it && slices.Contains(keys[b.ref.col], b.q.op) {
				it.quals[b.ref.col] = b.q
			}
		}
	}
	return nil
}

// conditionRanges are the token ranges of a scope's WHERE clause and ON conditions.
func (a *analysis) conditionRanges(s *scope) [][2]int {
	toks := a.toks
	var out [][2]int
	for i := s.start; i < s.end; i++ {
		t := toks[i]
		if t.depth != s.depth || !(t.kw("where") || t.kw("on")) {
			continue
		}
		j := i + 1
		for ; j < s.end; j++ {
			u := toks[j]
			if u.depth == s.depth && (u.kind == tIdent && (clauseEnd[u.text] || u.text == "join" || u.text == "left" || u.text == "inner" || u.text == "cross" || u.text == "right" || u.text == "full") || u.kind == tComma || u.kind == tSemi) {
				break
			}
		}
		out = append(out, [2]int{i + 1, j})
	}
	return out
}

// splitAnd splits a condition on AND at its depth; a condition with OR at its depth gives
// nothing (Postgres cannot push down one side of an OR).
func splitAnd(toks []token, from, to, depth int) [][]token {
	var out [][]token
	start := from
	between := false
	for i := from; i < to; i++ {
		t := toks[i]
		if t.depth != depth {
			continue
		}
		if t.kw("or") {
			return nil
		}
		if t.kw("between") {
			between = true
		}
		if t.kw("and") {
			if between {
				between = false
				continue
			}
			out = append(out, toks[start:i])
			start = i + 1
		}
	}
	return append(out, toks[start:to])
}

// refAt reads a column reference (alias.col or col) at conj[i], returning it and its length.
func (a *analysis) refAt(si int, conj []token, i int, schema map[string]*tableSchema) (*colRef, int) {
	if i >= len(conj) {
		return nil, 0
	}
	t := conj[i]
	if t.kind != tIdent && t.kind != tQuoted {
		return nil, 0
	}
	if i+2 < len(conj) && conj[i+1].kind == tDot {
		it := a.lookupAlias(si, t.text)
		if it == nil || it.kind != "table" {
			return nil, 0
		}
		return &colRef{it, conj[i+2].text}, 3
	}
	if keywords[t.text] || i+1 < len(conj) && conj[i+1].kind == tLParen {
		return nil, 0
	}
	it, _, _ := a.resolveBare(si, t.text, schema)
	if it == nil {
		return nil, 0
	}
	return &colRef{it, t.text}, 1
}

func isLiteral(t token) bool {
	return t.kind == tString || t.kind == tNumber || t.kw("true") || t.kw("false")
}

func literal(t token) any {
	switch t.kind {
	case tString:
		return t.text
	case tNumber:
		if n, err := strconv.ParseInt(t.text, 10, 64); err == nil {
			return n
		}
		f, _ := strconv.ParseFloat(t.text, 64)
		return f
	}
	return t.text == "true"
}

// isNowMinus matches `now() - interval '...'` (and current_timestamp - interval '...').
func isNowMinus(rest []token) bool {
	switch {
	case len(rest) == 6 && rest[0].kw("now") && rest[1].kind == tLParen && rest[2].kind == tRParen:
		rest = rest[3:]
	case len(rest) == 4 && rest[0].kw("current_timestamp"):
		rest = rest[1:]
	default:
		return false
	}
	return rest[0].is(tOp, "-") && rest[1].kw("interval") && rest[2].kind == tString
}

var intervalRE = regexp.MustCompile(`^\s*(\d+)\s*(minute|minutes|hour|hours|day|days|week|weeks)\s*$`)

func intervalOf(s string) (time.Duration, error) {
	m := intervalRE.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("interval %q: the check reads only 'N minutes|hours|days|weeks'", s)
	}
	n, _ := strconv.Atoi(m[1])
	unit := map[string]time.Duration{"minute": time.Minute, "hour": time.Hour, "day": 24 * time.Hour, "week": 7 * 24 * time.Hour}[strings.TrimSuffix(m[2], "s")]
	return time.Duration(n) * unit, nil
}

// rewrite replaces each plugin table of the example with the name of the table holding its
// scan's rows, keeping the name the query uses for it.
func (a *analysis) rewrite(sql string, nameOf func(*fromItem) string) string {
	type edit struct {
		start, end int
		text       string
	}
	var edits []edit
	for _, it := range a.items {
		t := a.toks[it.tok]
		text := nameOf(it)
		if it.alias == it.name {
			text += " as " + it.name
		}
		edits = append(edits, edit{t.start, t.end, text})
	}
	slices.SortFunc(edits, func(x, y edit) int { return y.start - x.start })
	for _, e := range edits {
		sql = sql[:e.start] + e.text + sql[e.end:]
	}
	return sql
}

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	slices.Sort(out)
	return out
}

// TestCheckSQLCatches shows what the reading of a Postgres example rejects, and which
// qualifiers it finds for each scan.
func TestCheckSQLCatches(t *testing.T) {
	schema := map[string]*tableSchema{
		"bluejay_call": {Columns: map[string]string{"id": "STRING", "agent_id": "STRING", "last": "STRING", "created_at": "TIMESTAMP", "duration_ms": "INT"},
			Keys: map[string][]string{"id": {"="}, "agent_id": {"="}, "last": {"="}, "created_at": {">", ">=", "=", "<", "<="}}},
		"bluejay_call_evaluation": {Columns: map[string]string{"call_id": "STRING", "agent_id": "STRING", "last": "STRING", "hallucination": "BOOL"},
			Keys: map[string][]string{"call_id": {"="}, "agent_id": {"="}, "last": {"="}}},
	}
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct{ sql, err string }{
		{"select nosuch from bluejay_call", `column "nosuch" is not a column`},
		{"select id from bluejay_calls", `unknown table "bluejay_calls"`},
		{"select c.nosuch from bluejay_call c", `table bluejay_call has no column "nosuch"`},
		{"select x.id from bluejay_call c", `no table or alias "x"`},
		{"select agent_id from bluejay_call c join bluejay_call_evaluation e on e.call_id = c.id", `"agent_id" is ambiguous`},
		{"select id from bluejay_call; select 1", "one statement per example"},
		{"select id from bluejay_call where created_at > now() - interval '2 fortnights'", "the check reads only"},
		{"select 'unterminated from bluejay_call", "unterminated string"},
	} {
		if _, err := checkSQL(c.sql, schema, now); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: got %v, want an error with %q", c.sql, err, c.err)
		}
	}
	a, err := checkSQL(`select c.id, count(*) filter (where e.hallucination) as n
		from bluejay_call as c join bluejay_call_evaluation e on e.call_id = c.id and e.agent_id = c.agent_id and e.last = c.last
		where c.agent_id in ('42', '7') and c.last = '7days' and c.created_at >= now() - interval '2 days'
		group by c.id order by n desc nulls last`, schema, now)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, it := range a.items {
		got[it.alias] = qualText(it)
	}
	want := map[string]string{
		"c": "agent_id = [42 7] and created_at >= 2026-11-23T12:00:00Z and last = 7days",
		"e": "agent_id = [42 7] and last = 7days",
	}
	for alias, w := range want {
		if got[alias] != w {
			t.Errorf("scan %s: qualifiers %q, want %q", alias, got[alias], w)
		}
	}
	a, err = checkSQL("select id from bluejay_call where agent_id = '42' or last = 'all'", schema, now)
	if err != nil {
		t.Fatal(err)
	}
	if q := qualText(a.items[0]); q != "(no qualifiers)" {
		t.Errorf("an OR pushes nothing down, got %s", q)
	}
}
