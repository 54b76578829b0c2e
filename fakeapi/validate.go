package fakeapi

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Validation mimics FastAPI on pydantic v2: every bad parameter is reported at once, query
// parameters in declaration order first, then the header, each as pydantic words it.

const (
	defaultPageSize = 20
	maxPageSize     = 100
	defaultLast     = "1day"
	enumExpected    = "'1day', '3days', '7days', '30days', '90days' or 'all'"
	apiKeyHeader    = "X-API-Key"
)

// windows maps each value of last to how far back it reaches; 0 is no limit.
var windows = map[string]time.Duration{
	"1day":   24 * time.Hour,
	"3days":  3 * 24 * time.Hour,
	"7days":  7 * 24 * time.Hour,
	"30days": 30 * 24 * time.Hour,
	"90days": 90 * 24 * time.Hour,
	"all":    0,
}

type valErr struct {
	typ   string
	loc   [2]string
	msg   string
	input *string
	ctx   string // raw JSON object, or ""
}

type callLogsQuery struct {
	label    *string
	page     int64
	pageEcho string // the page as Python would echo it, even past int64
	pageSize int
	last     string
	window   time.Duration
}

// lastValue returns the last occurrence, as Starlette's QueryParams do for a scalar.
func lastValue(q url.Values, name string) (string, bool) {
	vs := q[name]
	if len(vs) == 0 {
		return "", false
	}
	return vs[len(vs)-1], true
}

func parseCallLogsQuery(q url.Values) (callLogsQuery, []valErr) {
	out := callLogsQuery{page: 1, pageEcho: "1", pageSize: defaultPageSize, last: defaultLast}
	var errs []valErr
	if v, ok := lastValue(q, "label"); ok {
		out.label = &v
	}
	if v, ok := lastValue(q, "page_size"); ok {
		n, _, e := boundedInt(v, "page_size", maxPageSize)
		if e != nil {
			errs = append(errs, *e)
		} else {
			out.pageSize = int(n)
		}
	}
	if v, ok := lastValue(q, "page"); ok {
		n, echo, e := boundedInt(v, "page", 0)
		if e != nil {
			errs = append(errs, *e)
		} else {
			out.page, out.pageEcho = n, echo
		}
	}
	if v, ok := lastValue(q, "last"); ok {
		if w, good := windows[v]; good {
			out.last, out.window = v, w
		} else {
			errs = append(errs, valErr{typ: "enum", loc: [2]string{"query", "last"},
				msg: "Input should be " + enumExpected, input: &v,
				ctx: `{"expected":` + string(appendStr(nil, enumExpected)) + `}`})
		}
	} else {
		out.window = windows[defaultLast]
	}
	return out, errs
}

// boundedInt checks v >= 1 and, when le > 0, v <= le. A value too large for int64 is
// returned as MaxInt64 with its exact decimal echo.
func boundedInt(v, name string, le int64) (int64, string, *valErr) {
	loc := [2]string{"query", name}
	digits, neg, ok := pyInt(v)
	if !ok {
		return 0, "", &valErr{typ: "int_parsing", loc: loc,
			msg: "Input should be a valid integer, unable to parse string as an integer", input: &v}
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		n = 1<<63 - 1
	}
	if neg {
		n = -n
	}
	if n < 1 {
		return 0, "", &valErr{typ: "greater_than_equal", loc: loc,
			msg: "Input should be greater than or equal to 1", input: &v, ctx: `{"ge":1}`}
	}
	if le > 0 && n > le {
		l := strconv.FormatInt(le, 10)
		return 0, "", &valErr{typ: "less_than_equal", loc: loc,
			msg: "Input should be less than or equal to " + l, input: &v, ctx: `{"le":` + l + `}`}
	}
	return n, digits, nil
}

// pyInt parses a string the way pydantic's lax int mode does: surrounding whitespace, a sign,
// underscores between digits and a fraction of only zeros are accepted. It returns the
// magnitude without leading zeros.
func pyInt(s string) (digits string, neg bool, ok bool) {
	s = strings.TrimSpace(s)
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		if strings.Trim(s[i+1:], "0") != "" {
			return "", false, false
		}
		s = s[:i]
	}
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return "", false, false
	}
	s = strings.ReplaceAll(s, "_", "")
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", false, false
		}
	}
	s = strings.TrimLeft(s, "0")
	if s == "" {
		s = "0"
	}
	return s, neg, true
}

func missingKeyErr() valErr {
	return valErr{typ: "missing", loc: [2]string{"header", apiKeyHeader}, msg: "Field required"}
}

func appendValErrs(b []byte, errs []valErr) []byte {
	b = append(b, `{"detail":[`...)
	for i, e := range errs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"type":`...)
		b = appendStr(b, e.typ)
		b = append(b, `,"loc":[`...)
		b = appendStr(b, e.loc[0])
		b = append(b, ',')
		b = appendStr(b, e.loc[1])
		b = append(b, `],"msg":`...)
		b = appendStr(b, e.msg)
		b = append(b, `,"input":`...)
		b = appendStrPtr(b, e.input)
		if e.ctx != "" {
			b = append(b, `,"ctx":`...)
			b = append(b, e.ctx...)
		}
		b = append(b, '}')
	}
	return append(b, "]}"...)
}
