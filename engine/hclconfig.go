package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// ConnectionBody is a connection's settings as the plugin reads them: the attributes of a
// `connection "bluejay" { ... }` block (or of a bare body), without the ones only Steampipe
// reads.
type ConnectionBody struct {
	// Text is the body as HCL, one attribute per line, in the order the source gave them.
	Text string
	// Names are the attribute names Text sets.
	Names []string
}

// Has tells whether the body sets the attribute, so a caller can tell "api_key not set here"
// (the plugin then reads BLUEJAY_API_KEY) from a set value.
func (b ConnectionBody) Has(name string) bool {
	return slices.Contains(b.Names, name)
}

// steampipeOnly are attributes of a connection block that Steampipe reads and the plugin's
// config schema rejects ("An argument named "plugin" is not expected here").
var steampipeOnly = []string{"plugin", "type", "connections", "import_schema"}

// ParseConnection reads a connection's settings from src, which is either a Steampipe config
// file (one or more `connection "name" { ... }` blocks, like config/bluejay.spc) or a bare
// body (`api_key = "..."` lines). With blocks, the one named connection is taken, or the only
// one there is. Nested blocks (options, limiters) are Steampipe's and are left out.
func ParseConnection(src, connection string) (ConnectionBody, error) {
	file, diags := hclsyntax.ParseConfig([]byte(src), "connection config", hcl.InitialPos)
	if diags.HasErrors() {
		return ConnectionBody{}, fmt.Errorf("connection config: %s", diags.Error())
	}
	body := file.Body.(*hclsyntax.Body)
	blocks := connectionBlocks(body)
	switch {
	case len(blocks) == 0:
		return bodyOf(src, body), nil
	case len(body.Attributes) > 0:
		return ConnectionBody{}, fmt.Errorf("connection config: give either connection blocks or bare settings, not both")
	}
	if b := pickBlock(blocks, connection); b != nil {
		return bodyOf(src, b.Body), nil
	}
	return ConnectionBody{}, fmt.Errorf("connection config: no connection %q among %s", connection, blockNames(blocks))
}

func connectionBlocks(body *hclsyntax.Body) []*hclsyntax.Block {
	var out []*hclsyntax.Block
	for _, b := range body.Blocks {
		if b.Type == "connection" {
			out = append(out, b)
		}
	}
	return out
}

// pickBlock returns the block labelled connection, else the only block, else nil.
func pickBlock(blocks []*hclsyntax.Block, connection string) *hclsyntax.Block {
	for _, b := range blocks {
		if len(b.Labels) > 0 && b.Labels[0] == connection {
			return b
		}
	}
	if len(blocks) == 1 {
		return blocks[0]
	}
	return nil
}

func blockNames(blocks []*hclsyntax.Block) string {
	names := make([]string, 0, len(blocks))
	for _, b := range blocks {
		if len(b.Labels) > 0 {
			names = append(names, fmt.Sprintf("%q", b.Labels[0]))
		}
	}
	return strings.Join(names, ", ")
}

// bodyOf copies each attribute's source text, so values keep exactly the syntax the user wrote
// (lists, heredocs, comments inside expressions) without a round trip through cty.
func bodyOf(src string, body *hclsyntax.Body) ConnectionBody {
	attrs := make([]*hclsyntax.Attribute, 0, len(body.Attributes))
	for _, a := range body.Attributes {
		if !slices.Contains(steampipeOnly, a.Name) {
			attrs = append(attrs, a)
		}
	}
	slices.SortFunc(attrs, func(a, b *hclsyntax.Attribute) int { return a.SrcRange.Start.Byte - b.SrcRange.Start.Byte })
	var out ConnectionBody
	var text strings.Builder
	for _, a := range attrs {
		text.WriteString(src[a.SrcRange.Start.Byte:a.SrcRange.End.Byte])
		text.WriteByte('\n')
		out.Names = append(out.Names, a.Name)
	}
	out.Text = text.String()
	return out
}
