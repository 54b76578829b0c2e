package api

import (
	"fmt"
	"strings"
	"time"
)

// timeLayouts are the forms the API is seen or likely to send: start_time_utc has no declared
// format (Python's isoformat of a naive UTC datetime, no zone), created_at is an RFC 3339
// date-time (with Z or an offset). Fractional seconds of any length parse with each layout.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02",
}

// ParseTime reads an API timestamp. A value without a zone is UTC: both timestamp fields are
// documented as UTC.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised timestamp %q", s)
}
