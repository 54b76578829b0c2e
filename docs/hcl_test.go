package docs_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/bluejay-community/steampipe-plugin-bluejay/engine"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
)

var hclBlock = regexp.MustCompile("(?s)```hcl\n(.*?)```")

// limiterAttributes are the settings a Steampipe limiter block takes.
var limiterAttributes = []string{"bucket_size", "fill_rate", "max_concurrency", "scope", "where"}

// TestConfigExamplesLoad parses every hcl block of the docs. Each connection block is loaded
// into the built plugin, which checks its settings as Steampipe would when it loads the
// connection; each limiter block may only use a limiter's settings and must name the plugin's
// own limiter (an override).
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
						if l.Type != "limiter" || len(l.Labels) != 1 || l.Labels[0] != "bluejay_api" {
							t.Errorf("%s: plugin block holds %s %v; the plugin's limiter is bluejay_api", f.path, l.Type, l.Labels)
						}
						for name := range l.Body.Attributes {
							if !slices.Contains(limiterAttributes, name) {
								t.Errorf("%s: limiter setting %q is not one of %s", f.path, name, strings.Join(limiterAttributes, ", "))
							}
						}
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
