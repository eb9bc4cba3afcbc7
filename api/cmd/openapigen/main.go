// Command openapigen derives the OpenAPI 3.0 documents from swag's Swagger
// 2.0 output: openapi/openapi.yaml (for the TypeScript type generators) and
// the JSON copy the server embeds and serves at /openapi.json.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"sigs.k8s.io/yaml"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "openapigen:", err)
		os.Exit(1)
	}
}

func run() error {
	in := flag.String("in", "openapi/swagger.json", "Swagger 2.0 document written by swag")
	outYAML := flag.String("yaml", "openapi/openapi.yaml", "OpenAPI 3.0 YAML output")
	outJSON := flag.String("json", "api/internal/httpapi/spec/openapi.json", "OpenAPI 3.0 JSON output (embedded by the server)")
	flag.Parse()

	raw, err := os.ReadFile(*in)
	if err != nil {
		return fmt.Errorf("read %s: %w", *in, err)
	}
	var v2 openapi2.T
	if err := json.Unmarshal(raw, &v2); err != nil {
		return fmt.Errorf("parse %s: %w", *in, err)
	}
	bodyFormats(&v2)
	v3, err := openapi2conv.ToV3(&v2)
	if err != nil {
		return fmt.Errorf("convert to OpenAPI 3: %w", err)
	}
	problemJSON(v3)
	rateLimited(v3)
	if err := v3.Validate(context.Background(), openapi3.EnableExamplesValidation()); err != nil {
		return fmt.Errorf("the converted document is invalid: %w", err)
	}
	js, err := json.MarshalIndent(v3, "", "  ")
	if err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	js = append(js, '\n')
	y, err := yaml.JSONToYAML(js)
	if err != nil {
		return fmt.Errorf("encode YAML: %w", err)
	}
	if err := os.WriteFile(*outJSON, js, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", *outJSON, err)
	}
	if err := os.WriteFile(*outYAML, y, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", *outYAML, err)
	}
	return nil
}

// bodyFormats moves the format swag writes on a body parameter (a raw body:
// `@Param image body string true "…" format(binary)`) into its schema, where
// OpenAPI 3 reads it: the request body is then a file, not a JSON string.
func bodyFormats(doc *openapi2.T) {
	for _, item := range doc.Paths {
		for _, op := range item.Operations() {
			for _, p := range op.Parameters {
				if p != nil && p.In == "body" && p.Format != "" && p.Schema != nil && p.Schema.Ref == "" && p.Schema.Value != nil && p.Schema.Value.Format == "" {
					p.Schema.Value.Format, p.Format = p.Format, ""
				}
			}
		}
	}
}

// problemJSON declares error responses (4xx, 5xx) as application/problem+json
// (RFC 9457), which swag cannot express per status.
func problemJSON(doc *openapi3.T) {
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for status, resp := range op.Responses.Map() {
				if len(status) != 3 || status[0] < '4' || resp.Value == nil {
					continue
				}
				for _, mt := range resp.Value.Content {
					if mt.Schema != nil && strings.Contains(mt.Schema.Ref, "Problem") {
						resp.Value.Content = openapi3.Content{"application/problem+json": mt}
						break
					}
				}
			}
		}
	}
}

// rateLimited declares the 429 answer of the public API's per-address rate
// limits on every public operation. The limits are one middleware over the
// whole /api/v1/public/ prefix (httpapi's publicRateLimit), so they are
// documented here once rather than on each handler; an operation that
// declares its own 429 keeps its description.
func rateLimited(doc *openapi3.T) {
	problem := &openapi3.SchemaRef{Ref: "#/components/schemas/Problem"}
	if doc.Components != nil && doc.Components.Schemas["Problem"] != nil {
		problem.Value = doc.Components.Schemas["Problem"].Value
	}
	for path, item := range doc.Paths.Map() {
		if !strings.HasPrefix(path, "/api/v1/public/") {
			continue
		}
		for _, op := range item.Operations() {
			resp := op.Responses.Value("429")
			if resp == nil || resp.Value == nil {
				desc := "Too many requests from this address"
				resp = &openapi3.ResponseRef{Value: &openapi3.Response{Description: &desc, Content: openapi3.Content{
					"application/problem+json": &openapi3.MediaType{Schema: problem},
				}}}
				op.Responses.Set("429", resp)
			}
			if resp.Value.Headers == nil {
				resp.Value.Headers = openapi3.Headers{}
			}
			if resp.Value.Headers["Retry-After"] == nil {
				resp.Value.Headers["Retry-After"] = &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{
					Description: "Seconds to wait before trying again", Schema: openapi3.NewIntegerSchema().NewRef(),
				}}}
			}
		}
	}
}
