// Package envoy checks envoy-conf/envoy.yaml against Envoy's own v3 API: the file is loaded into
// the Bootstrap message as Envoy loads it (YAML as JSON, unknown fields refused, every typed_config
// resolved to its message type) and the validation rules generated from Envoy's protos are run on
// the bootstrap and on every typed_config inside it (the generated rules do not look inside an
// Any). Then the settings authgate depends on are checked one by one.
package envoy

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	extauthzv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/ext_authz/v3"
	headermutationv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/header_mutation/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/anypb"
	"sigs.k8s.io/yaml"
)

// shippedConfig is the file users copy, relative to this package.
const shippedConfig = "../../envoy-conf/envoy.yaml"

// contractHeaders are the x-authgear-* names the adapter answers with (resolver-contract.md).
var contractHeaders = []string{
	"x-authgear-session-valid",
	"x-authgear-user-id",
	"x-authgear-user-anonymous",
	"x-authgear-user-verified",
	"x-authgear-user-can-reauthenticate",
	"x-authgear-user-roles",
	"x-authgear-session-amr",
	"x-authgear-session-authenticated-at",
}

// load reads an Envoy bootstrap from YAML text and runs every generated validation rule on it.
func load(text []byte) (*bootstrapv3.Bootstrap, error) {
	asJSON, err := yaml.YAMLToJSON(text)
	if err != nil {
		return nil, fmt.Errorf("not YAML: %w", err)
	}
	var bootstrap bootstrapv3.Bootstrap
	// Envoy refuses unknown fields in a static bootstrap; so does protojson by default.
	if err := protojson.Unmarshal(asJSON, &bootstrap); err != nil {
		return nil, fmt.Errorf("not an Envoy v3 Bootstrap: %w", err)
	}
	if err := validateAll(&bootstrap, "bootstrap"); err != nil {
		return nil, err
	}
	return &bootstrap, nil
}

type validator interface{ ValidateAll() error }

// validateAll runs the message's generated rules, then does the same for every typed_config (Any)
// anywhere inside it, which the generated rules leave unchecked.
func validateAll(m proto.Message, where string) error {
	if v, ok := m.(validator); ok {
		if err := v.ValidateAll(); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
	}
	var walkErr error
	var walk func(msg protoreflect.Message, where string)
	walk = func(msg protoreflect.Message, where string) {
		if walkErr != nil {
			return
		}
		if a, ok := msg.Interface().(*anypb.Any); ok {
			inner, err := a.UnmarshalNew()
			if err != nil {
				walkErr = fmt.Errorf("%s: %s: %w", where, a.GetTypeUrl(), err)
				return
			}
			walkErr = validateAll(inner, where+"("+string(inner.ProtoReflect().Descriptor().FullName())+")")
			return
		}
		msg.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
			if fd.Kind() != protoreflect.MessageKind && fd.Kind() != protoreflect.GroupKind {
				return true
			}
			name := where + "." + string(fd.Name())
			switch {
			case fd.IsList():
				for i := 0; i < v.List().Len(); i++ {
					walk(v.List().Get(i).Message(), fmt.Sprintf("%s[%d]", name, i))
				}
			case fd.IsMap():
				if fd.MapValue().Kind() == protoreflect.MessageKind {
					v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
						walk(mv.Message(), fmt.Sprintf("%s[%v]", name, k.Interface()))
						return walkErr == nil
					})
				}
			default:
				walk(v.Message(), name)
			}
			return walkErr == nil
		})
	}
	walk(m.ProtoReflect(), where)
	return walkErr
}

func shipped(t *testing.T) []byte {
	t.Helper()
	text, err := os.ReadFile(shippedConfig)
	if err != nil {
		t.Fatalf("the shipped Envoy configuration must be at %s: %v", shippedConfig, err)
	}
	return text
}

// apiFilters returns the HTTP connection manager of the only listener and its HTTP filters' configs.
func apiFilters(t *testing.T, b *bootstrapv3.Bootstrap) (*hcmv3.HttpConnectionManager, []proto.Message) {
	t.Helper()
	listeners := b.GetStaticResources().GetListeners()
	if len(listeners) != 1 || len(listeners[0].GetFilterChains()) != 1 || len(listeners[0].GetFilterChains()[0].GetFilters()) != 1 {
		t.Fatalf("expected one listener with one filter chain holding one network filter, got %v", listeners)
	}
	var hcm hcmv3.HttpConnectionManager
	if err := listeners[0].GetFilterChains()[0].GetFilters()[0].GetTypedConfig().UnmarshalTo(&hcm); err != nil {
		t.Fatalf("the network filter must be the HTTP connection manager: %v", err)
	}
	var filters []proto.Message
	for _, f := range hcm.GetHttpFilters() {
		inner, err := f.GetTypedConfig().UnmarshalNew()
		if err != nil {
			t.Fatalf("http filter %s: %v", f.GetName(), err)
		}
		filters = append(filters, inner)
	}
	return &hcm, filters
}

func exactNames(t *testing.T, what string, list *matcherv3.ListStringMatcher) []string {
	t.Helper()
	var names []string
	for _, p := range list.GetPatterns() {
		if p.GetExact() == "" {
			t.Fatalf("%s: every pattern is an exact lower-case name here, got %v", what, p)
		}
		names = append(names, p.GetExact())
	}
	slices.Sort(names)
	return names
}

func TestShippedConfigIsAValidEnvoyV3Bootstrap(t *testing.T) {
	if _, err := load(shipped(t)); err != nil {
		t.Fatalf("%s is refused by Envoy's v3 API: %v", shippedConfig, err)
	}
}

// The filters run in the order listed: the client's copies go first, then the decision, then the
// backend.
func TestFiltersStripThenAskThenRoute(t *testing.T) {
	b, err := load(shipped(t))
	if err != nil {
		t.Fatal(err)
	}
	hcm, filters := apiFilters(t, b)
	var kinds []string
	for _, f := range filters {
		kinds = append(kinds, string(f.ProtoReflect().Descriptor().FullName()))
	}
	want := []string{
		"envoy.extensions.filters.http.header_mutation.v3.HeaderMutation",
		"envoy.extensions.filters.http.ext_authz.v3.ExtAuthz",
		"envoy.extensions.filters.http.router.v3.Router",
	}
	if !slices.Equal(kinds, want) {
		t.Fatalf("http filters: got %v, want %v", kinds, want)
	}

	mutations := filters[0].(*headermutationv3.HeaderMutation).GetMutations().GetRequestMutations()
	if len(mutations) != 1 || mutations[0].GetRemoveOnMatch().GetKeyMatcher().GetPrefix() != "x-authgear-" ||
		!mutations[0].GetRemoveOnMatch().GetKeyMatcher().GetIgnoreCase() {
		t.Fatalf("header_mutation must remove every request header named x-authgear-* in any case, got %v", mutations)
	}
	action := hcm.GetCommonHttpProtocolOptions().GetHeadersWithUnderscoresAction()
	if action == corev3.HttpProtocolOptions_ALLOW {
		t.Fatalf("headers_with_underscores_action must drop or reject x_authgear_* spellings, got %v", action)
	}
	if !hcm.GetUseRemoteAddress().GetValue() {
		t.Fatal("use_remote_address must be true: Envoy is the edge")
	}
}

func TestExtAuthzAsksTheAdapterAndFailsClosed(t *testing.T) {
	b, err := load(shipped(t))
	if err != nil {
		t.Fatal(err)
	}
	_, filters := apiFilters(t, b)
	authz := filters[1].(*extauthzv3.ExtAuthz)
	if authz.GetFailureModeAllow() {
		t.Fatal("failure_mode_allow must be false: an undecided request must not reach the backend")
	}
	if authz.GetStatusOnError().GetCode() < 500 {
		t.Fatalf("status_on_error must be a 5xx (an outage is not a denial), got %v", authz.GetStatusOnError())
	}
	http := authz.GetHttpService()
	if http == nil || http.GetPathPrefix() != "/ext_authz" {
		t.Fatalf("the HTTP service must ask under path_prefix /ext_authz (the adapter's envoy_path_prefix), got %v", http)
	}
	if timeout := http.GetServerUri().GetTimeout().AsDuration(); timeout <= 200*time.Millisecond {
		t.Fatalf("timeout must be longer than Envoy's usual 200 ms, got %v", timeout)
	}
	if http.GetAuthorizationRequest().GetAllowedHeaders() != nil {
		t.Fatal("use ExtAuthz.allowed_headers, not the deprecated authorization_request.allowed_headers")
	}
	// authorization and cookie for the session; origin and access-control-request-method for
	// allow_cors_preflight (Envoy sends none of them but authorization otherwise).
	wantAllowed := []string{"access-control-request-method", "authorization", "cookie", "origin"}
	if got := exactNames(t, "allowed_headers", authz.GetAllowedHeaders()); !slices.Equal(got, wantAllowed) {
		t.Fatalf("allowed_headers must be %v, got %v", wantAllowed, got)
	}
	want := slices.Clone(contractHeaders)
	slices.Sort(want)
	if got := exactNames(t, "allowed_upstream_headers", http.GetAuthorizationResponse().GetAllowedUpstreamHeaders()); !slices.Equal(got, want) {
		t.Fatalf("allowed_upstream_headers must be the contract's names, got %v, want %v", got, want)
	}
	if authz.GetWithRequestBody() != nil {
		t.Fatal("the adapter needs no body: with_request_body must stay unset")
	}
}

// A broken copy of the file must fail, each for its own reason: the check above is not vacuous.
func TestBrokenCopiesAreRefused(t *testing.T) {
	text := string(shipped(t))
	cases := []struct {
		name, from, to, reason string
	}{
		{"misspelt field", "failure_mode_allow: false", "failure_mode_alow: false", "unknown field"},
		{"unknown enum value", "headers_with_underscores_action: DROP_HEADER", "headers_with_underscores_action: DROP", "enum"},
		{"required timeout missing", "timeout: 3s", "", "Timeout"},
		{"rule inside a typed_config", "stat_prefix: api", "stat_prefix: \"\"", "StatPrefix"},
		{"rule inside a nested typed_config", "max_headers_count: 100", "max_headers_count: 0", "MaxHeadersCount"},
		{"unknown typed_config type", "header_mutation.v3.HeaderMutation", "header_mutation.v3.NoSuchFilter", "NoSuchFilter"},
		{"not YAML", "static_resources:", "static_resources: [", "YAML"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if strings.Count(text, c.from) != 1 {
				t.Fatalf("the shipped file must contain %q exactly once", c.from)
			}
			_, err := load([]byte(strings.Replace(text, c.from, c.to, 1)))
			if err == nil {
				t.Fatalf("a copy with %q replaced by %q was accepted", c.from, c.to)
			}
			if !strings.Contains(err.Error(), c.reason) {
				t.Fatalf("refused, but not for %q: %v", c.reason, err)
			}
		})
	}
}

// claimHeaderAddition is the README's "Custom claims as headers" addition for one claim header
// (x-myapp-tenant), as edits of the shipped file: a remove_on_match beside the x-authgear- one, and
// the name in allowed_upstream_headers. Each from must occur exactly once.
var claimHeaderAddition = []struct{ from, to string }{
	{"key_matcher: {prefix: \"x-authgear-\", ignore_case: true}\n",
		"key_matcher: {prefix: \"x-authgear-\", ignore_case: true}\n" +
			"                          - remove_on_match:\n" +
			"                              key_matcher: {exact: x-myapp-tenant, ignore_case: true}\n"},
	{"- {exact: x-authgear-session-authenticated-at}\n",
		"- {exact: x-authgear-session-authenticated-at}\n" +
			"                              - {exact: x-myapp-tenant}\n"},
}

func withClaimHeaderAddition(t *testing.T) []byte {
	t.Helper()
	text := string(shipped(t))
	for _, e := range claimHeaderAddition {
		if strings.Count(text, e.from) != 1 {
			t.Fatalf("the shipped file must contain %q exactly once", e.from)
		}
		text = strings.Replace(text, e.from, e.to, 1)
	}
	return []byte(text)
}

// The README's addition for a claim header, applied to the shipped file, is still a valid
// bootstrap, strips the name in any case before the decision, and lets the adapter's copy through.
func TestReadmeClaimHeaderAdditionIsValidAndStripsThenCopies(t *testing.T) {
	b, err := load(withClaimHeaderAddition(t))
	if err != nil {
		t.Fatalf("the README's claim-header addition makes %s invalid: %v", shippedConfig, err)
	}
	hcm, filters := apiFilters(t, b)
	mutations := filters[0].(*headermutationv3.HeaderMutation).GetMutations().GetRequestMutations()
	if len(mutations) != 2 {
		t.Fatalf("header_mutation must hold the x-authgear- removal and the claim header's, got %v", mutations)
	}
	claim := mutations[1].GetRemoveOnMatch().GetKeyMatcher()
	if claim.GetExact() != "x-myapp-tenant" || !claim.GetIgnoreCase() {
		t.Fatalf("the claim header's removal must match x-myapp-tenant exactly in any case, got %v", mutations[1])
	}
	if hcm.GetCommonHttpProtocolOptions().GetHeadersWithUnderscoresAction() == corev3.HttpProtocolOptions_ALLOW {
		t.Fatal("the x_myapp_tenant spellings are left to headers_with_underscores_action, which must not allow them")
	}
	want := append(slices.Clone(contractHeaders), "x-myapp-tenant")
	slices.Sort(want)
	http := filters[1].(*extauthzv3.ExtAuthz).GetHttpService()
	if got := exactNames(t, "allowed_upstream_headers", http.GetAuthorizationResponse().GetAllowedUpstreamHeaders()); !slices.Equal(got, want) {
		t.Fatalf("allowed_upstream_headers must be the contract's names and x-myapp-tenant, got %v, want %v", got, want)
	}
}
