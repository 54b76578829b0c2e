package docs_test

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/turbot/steampipe-plugin-sdk/v5/rate_limiter"
	"github.com/zclconf/go-cty/cty/gocty"
	"golang.org/x/time/rate"

	"github.com/bluejay-community/steampipe-plugin-bluejay/bluejay"
	"github.com/bluejay-community/steampipe-plugin-bluejay/engine"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness/powerpipe"
)

var hclBlock = regexp.MustCompile("(?s)```hcl\n(.*?)```")

// limiterAttributes are the settings a Steampipe limiter block takes.
var limiterAttributes = []string{"bucket_size", "fill_rate", "max_concurrency", "scope", "where"}

// TestConfigExamplesLoad parses every hcl block of the docs. Each connection block is loaded
// into the built plugin, which checks its settings as Steampipe would when it loads the
// connection; each limiter block is built as the SDK builds a user's limiter, must be valid, and
// its where must pick the plugin's call-log calls.
func TestConfigExamplesLoad(t *testing.T) {
	env := getEnv(t)
	n := 0
	for _, f := range readDocs(t) {
		for _, m := range hclBlock.FindAllStringSubmatch(f.text, -1) {
			n++
			src := m[1]
			file, diags := hclsyntax.ParseConfig([]byte(src), f.path, hcl.InitialPos)
			if diags.HasErrors() {
				t.Errorf("%s: hcl block does not parse: %s\n%s", f.path, diags.Error(), src)
				continue
			}
			for _, b := range file.Body.(*hclsyntax.Body).Blocks {
				switch b.Type {
				case "connection":
					if len(b.Labels) == 2 {
						checkPowerpipeConnection(t, f.path, b)
						continue
					}
					if attr := b.Body.Attributes["type"]; attr != nil {
						continue // an aggregator: Steampipe's, not the plugin's
					}
					body, err := engine.ParseConnection(src, b.Labels[0])
					if err != nil {
						t.Errorf("%s: connection %q: %v", f.path, b.Labels[0], err)
						continue
					}
					failed, err := env.plugin.SetConnections(
						harness.Connection{Name: connection, Config: harness.Config(map[string]any{"api_key": "fake-bluejay-key", "base_url": env.srv.URL})},
						harness.Connection{Name: "docs_" + b.Labels[0], Config: body.Text})
					if err != nil || len(failed) > 0 {
						t.Errorf("%s: connection %q does not load: %v %v\n%s", f.path, b.Labels[0], err, failed, body.Text)
					}
				case "plugin":
					for _, l := range b.Body.Blocks {
						checkLimiterExample(t, f.path, l)
					}
				default:
					t.Errorf("%s: unexpected %s block in an hcl example", f.path, b.Type)
				}
			}
		}
	}
	// leave the shared plugin with its one connection
	if _, err := env.plugin.SetConnections(harness.Connection{Name: connection, Config: harness.Config(map[string]any{"api_key": "fake-bluejay-key", "base_url": env.srv.URL})}); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no hcl blocks in the docs")
	}
}

// checkPowerpipeConnection checks a Powerpipe connection block (a .ppc file's, with a type and
// a name) has the attributes of the one powerpipetest gives Powerpipe, which its tests run.
func checkPowerpipeConnection(t *testing.T, path string, b *hclsyntax.Block) {
	t.Helper()
	tested, diags := hclsyntax.ParseConfig([]byte(powerpipe.ConnectionConfig(powerpipe.Database{})), "tested.ppc", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	want := tested.Body.(*hclsyntax.Body).Blocks[0]
	if !slices.Equal(b.Labels[:1], want.Labels[:1]) {
		t.Errorf("%s: connection %v: the tests run Powerpipe with a %q connection", path, b.Labels, want.Labels[0])
	}
	for name := range b.Body.Attributes {
		if want.Body.Attributes[name] == nil {
			t.Errorf("%s: connection %v: %s is not an attribute the tests give Powerpipe", path, b.Labels, name)
		}
	}
}

// checkLimiterExample builds a docs limiter block into the SDK's limiter definition, and checks
// that it is valid and that its where picks the scans of the call-log tables.
func checkLimiterExample(t *testing.T, path string, l *hclsyntax.Block) {
	t.Helper()
	if l.Type != "limiter" || len(l.Labels) != 1 {
		t.Errorf("%s: plugin block holds %s %v; want limiter blocks with one label", path, l.Type, l.Labels)
		return
	}
	def := &rate_limiter.Definition{Name: l.Labels[0]}
	for name, attr := range l.Body.Attributes {
		v, diags := attr.Expr.Value(nil)
		if diags.HasErrors() {
			t.Errorf("%s: limiter %s: %s: %s", path, def.Name, name, diags.Error())
			continue
		}
		var err error
		switch name {
		case "bucket_size":
			err = gocty.FromCtyValue(v, &def.BucketSize)
		case "fill_rate":
			var r float64
			err = gocty.FromCtyValue(v, &r)
			def.FillRate = rate.Limit(r)
		case "max_concurrency":
			err = gocty.FromCtyValue(v, &def.MaxConcurrency)
		case "scope":
			// an HCL [...] is a tuple, which gocty does not turn into a slice
			for it := v.ElementIterator(); it.Next(); {
				_, e := it.Element()
				var name string
				if err = gocty.FromCtyValue(e, &name); err != nil {
					break
				}
				def.Scope = append(def.Scope, name)
			}
		case "where":
			err = gocty.FromCtyValue(v, &def.Where)
		default:
			t.Errorf("%s: limiter setting %q is not one of %s", path, name, strings.Join(limiterAttributes, ", "))
		}
		if err != nil {
			t.Errorf("%s: limiter %s: %s: %v", path, def.Name, name, err)
		}
	}
	if err := def.Initialise(); err != nil {
		t.Errorf("%s: limiter %s: %v", path, def.Name, err)
		return
	}
	if problems := def.Validate(); len(problems) > 0 {
		t.Errorf("%s: limiter %s: %s", path, def.Name, strings.Join(problems, "; "))
	}
	scope := maps.Clone(bluejay.CallLogsTags)
	scope[rate_limiter.RateLimiterScopeConnection] = connection
	scope[rate_limiter.RateLimiterScopeTable] = "bluejay_call"
	if !def.SatisfiesFilters(scope) {
		t.Errorf("%s: limiter %s: where %q does not pick the call-log scans (tags %v)", path, def.Name, def.Where, bluejay.CallLogsTags)
	}
}
