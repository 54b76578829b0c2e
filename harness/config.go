package harness

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Config renders kv as an HCL connection body, the text the CLI sends in
// ConnectionConfig.Config (the inside of a `connection "x" { ... }` block).
// Keys are sorted so the output is deterministic. Supported values: string,
// bool, all int/uint/float kinds, nil (-> null), slices/arrays of those
// (-> tuples, e.g. []string) and map[string]T (-> objects). It panics on a key
// that is not an HCL identifier or an unsupported value, since it is meant
// for test and benchmark code with literal inputs.
func Config(kv map[string]any) string {
	keys := make([]string, 0, len(kv))
	for k := range kv {
		if !isIdentifier(k) {
			panic(fmt.Sprintf("harness.Config: %q is not an HCL attribute name", k))
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.WriteString(" = ")
		writeHCLValue(&b, kv[k])
		b.WriteByte('\n')
	}
	return b.String()
}

func writeHCLValue(b *strings.Builder, v any) {
	if v == nil {
		b.WriteString("null")
		return
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		b.WriteString(QuoteHCL(rv.String()))
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(rv.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b.WriteString(strconv.FormatInt(rv.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		b.WriteString(strconv.FormatUint(rv.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		b.WriteString(strconv.FormatFloat(rv.Float(), 'g', -1, 64))
	case reflect.Slice, reflect.Array:
		b.WriteByte('[')
		for i := 0; i < rv.Len(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			writeHCLValue(b, rv.Index(i).Interface())
		}
		b.WriteByte(']')
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			panic(fmt.Sprintf("harness.Config: map key type %s is not string", rv.Type().Key()))
		}
		keys := make([]string, 0, rv.Len())
		for _, k := range rv.MapKeys() {
			keys = append(keys, k.String())
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			// Quoted keys are always valid in HCL object constructors.
			b.WriteString(QuoteHCL(k))
			b.WriteString(" = ")
			writeHCLValue(b, rv.MapIndex(reflect.ValueOf(k).Convert(rv.Type().Key())).Interface())
		}
		b.WriteByte('}')
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			b.WriteString("null")
			return
		}
		writeHCLValue(b, rv.Elem().Interface())
	default:
		panic(fmt.Sprintf("harness.Config: unsupported value %#v (%T)", v, v))
	}
}

// QuoteHCL returns s as an HCL quoted string literal. Besides the usual
// backslash escapes it doubles the template introducers: inside an HCL quoted
// string "${" and "%{" start interpolations/directives, so a secret that
// happens to contain them would otherwise be mangled or fail to parse.
func QuoteHCL(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case (r == '$' || r == '%') && strings.HasPrefix(s[i+1:], "{"):
			b.WriteRune(r)
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if i == 0 && !letter {
			return false
		}
		if !letter && r != '-' && !(r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
