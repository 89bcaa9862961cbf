#!/usr/bin/env bash
# Breaks each documented guarantee on purpose and checks that a test then fails.
#
#   scripts/check-guarantees.sh              every mutation below
#   scripts/check-guarantees.sh 'gateway'    only those whose guarantee or test project matches (grep -E)
#   BASELINE=0 scripts/check-guarantees.sh   skip running each test on the unbroken code first
#   REF=some-branch scripts/check-guarantees.sh
#   DRY=1 scripts/check-guarantees.sh        only check that every mutation still applies
#
# Works on a throw-away `git worktree` of REF (default HEAD: committed code only, never the
# caller's checkout or its uncommitted changes). For each mutation: the test filter must pass on
# the unbroken code (baseline), the sed expression must change the file, the broken code must
# build, and the filter must then fail. Prints `guarantee | mutation | test | result` and exits
# non-zero when any mutation is MISSED (or could not be checked). Slow (a build per mutation), so
# not part of test.sh. Tests needing PostgreSQL are left out: the filters pick the SQLite variants.
set -euo pipefail

root="$(git rev-parse --show-toplevel)"
cd "$root"
only="${1:-}"
ref="${REF:-HEAD}"
baseline="${BASELINE:-1}"
dry="${DRY:-0}"

guarantees=() descriptions=() files=() expressions=() projects=() filters=()
# mutation <guarantee> <what the mutation does> <file> <sed expression> <test project> <dotnet test filter>
mutation() {
  guarantees+=("$1"); descriptions+=("$2"); files+=("$3"); expressions+=("$4"); projects+=("$5"); filters+=("$6")
}

# --- gateway ---
mutation "gateway: header backend without a key is 503 not-configured" "skip the key check" \
  gateway/Proxy/SystemGateMiddleware.cs 's/else if (!signing\.CanSign(system\.Id))/else if (false \&\& !signing.CanSign(system.Id))/' \
  tests/Gateway.Tests "FullyQualifiedName~SigningKeyTests.A_header_backend_without_a_signing_key"
mutation "gateway: a signing-key change applies without restart" "ignore configuration reloads" \
  gateway/Proxy/IdentitySigning.cs 's/options\.OnChange(o => _signers = Build(o));/options.OnChange(o => _signers = o.Backends.Count < 0 ? Build(o) : _signers);/' \
  tests/Gateway.Tests "FullyQualifiedName~SigningKeyTests.A_changed_key"
mutation "gateway: reserved paths cannot be claimed by a system" "no reserved-path check" \
  core/Integration/IntegrationRules.cs 's/return GatewayReservedPaths\.Any(/return false \&\& GatewayReservedPaths.Any(/' \
  tests/Gateway.Tests "FullyQualifiedName~ReservedPathTests"
mutation "gateway: the portal never links a launch URL the endpoint rule refuses" "launch URL used unchecked" \
  gateway/Pages/Portal/PortalTiles.cs 's/if (system\.LaunchUrl is { } launch \&\& IntegrationRules\.EndpointUrlProblem(launch) is null)/if (system.LaunchUrl is { } launch \&\& (IntegrationRules.EndpointUrlProblem(launch) is null || launch.Length > 0))/' \
  tests/Gateway.Tests "FullyQualifiedName~PortalTilesTests.A_launch_url_the_endpoint_rule_refuses"
mutation "gateway: a signed-out session's cookie is refused" "ended sessions not checked" \
  gateway/Identity/SessionRenewal.cs 's/sessionId is null || endedSessions\.IsEnded(sessionId))/sessionId is null || (endedSessions.IsEnded(sessionId) \&\& sessionId.Length < 0))/' \
  tests/EndToEnd.Tests "FullyQualifiedName~PortalTests.Signing_out_ends_the_gateway_session_for_good"
mutation "register: a launch URL must pass the endpoint rule" "launch URL not validated" \
  inventory/Domain/SystemValidator.cs 's/errors\.Rule("integration\.launchUrl", IntegrationRules\.EndpointUrlProblem(integration\.LaunchUrl));/_ = integration.LaunchUrl;/' \
  tests/Inventory.Tests "FullyQualifiedName~IntegrationRulesApiSqliteTests.Integration_fields_a_consumer_cannot_apply"
mutation "gateway: silent backend is 504" "timeouts reported as 503" \
  gateway/Proxy/UpstreamErrorMiddleware.cs 's/if (error\.Error == ForwarderError\.RequestTimedOut)/if (error.Error == ForwarderError.NoAvailableDestinations)/' \
  tests/Gateway.Tests "FullyQualifiedName~UpstreamTimeoutTests.A_backend_that_accepts_and_never_answers"
mutation "gateway: refused connection is 503 upstream-unavailable" "bare YARP error kept" \
  gateway/Proxy/UpstreamErrorMiddleware.cs 's/if (error\.Error is ForwarderError\.RequestCanceled or ForwarderError\.RequestBodyCanceled)/if (error.Error != ForwarderError.RequestTimedOut)/' \
  tests/Gateway.Tests "FullyQualifiedName~UpstreamTimeoutTests.A_backend_that_refuses"
mutation "gateway: request body limit 10 MB (413)" "Kestrel:Limits not bound" \
  gateway/Program.cs '/GetSection("Kestrel:Limits")\.Bind(kestrel\.Limits);/d' \
  tests/Gateway.Tests "FullyQualifiedName~RequestBodyLimitTests"
mutation "gateway: verifier refuses a repeated identity header" "repeats allowed" \
  gateway/Forwarding/IdentityHeaderVerifier.cs 's/if (values\.Count != 1 || !names\.Add(FederationHeaders\.Normalize(name)))/if (!names.Add(FederationHeaders.Normalize(name)))/' \
  tests/Gateway.Tests "FullyQualifiedName~IdentityHeaderVerifierTests.Rejects_a_repeated_identity_header"
mutation "gateway: /metrics is never rate-limited" "metrics counted like requests" \
  gateway/Proxy/GatewayRateLimits.cs 's/ || context\.Request\.Path\.StartsWithSegments("\/metrics")//' \
  tests/Gateway.Tests "FullyQualifiedName~PerAddressRateLimitTests.Metrics_scrapes_are_never_rate_limited"
mutation "gateway: identity-header signature format (known answer)" "other format label" \
  gateway/Forwarding/FederationHeaders.cs 's/"federation-headers-v2"/"federation-headers-v3"/' \
  tests/Gateway.Tests "FullyQualifiedName~IdentityHeaderVerifierTests.Known_answer_vector"

# --- idp: OIDC ---
mutation "idp: revoked access token refused at introspection/userinfo" "revoked jti accepted" \
  idp/Oidc/AccessTokenRevocation.cs 's/context\.Reject(Errors\.InvalidToken, "The access token was revoked\.");//' \
  tests/Idp.Tests "FullyQualifiedName~OidcConformanceTests.A_revoked_access_token_is_inactive"
mutation "idp: revoking the authorization refuses its access tokens" "authorization status ignored" \
  idp/Oidc/AccessTokenRevocation.cs 's/context\.Reject(Errors\.InvalidToken, "The access token.s authorization was revoked\.");//' \
  tests/Idp.Tests "FullyQualifiedName~OidcConformanceTests.Revoking_the_authorization"
mutation "idp: five wrong TOTP codes lock the account" "wrong codes not counted" \
  idp/Pages/Mfa.cshtml.cs '/await users\.AccessFailedAsync(user); \/\/ counts towards lockout/d' \
  tests/Idp.Tests "FullyQualifiedName~TotpReplayTests.Five_wrong_codes_lock_the_account"
mutation "idp: five wrong passwords lock the account" "wrong passwords not counted" \
  idp/Pages/Login.cshtml.cs '/await users\.AccessFailedAsync(user!);/d' \
  tests/Idp.Tests "FullyQualifiedName~AccountTests.Five_wrong_passwords_lock_the_account"
mutation "idp: audit outcome not_allowed" "unconfirmed account signs in" \
  idp/Pages/Login.cshtml.cs 's/_ when !await signIn\.CanSignInAsync(user) => "not_allowed",/_ when !await signIn.CanSignInAsync(user) \&\& user is null => "not_allowed",/' \
  tests/Idp.Tests "FullyQualifiedName~LoginGuessingTests"

# --- idp: SAML refusal reasons ---
mutation "SAML: conditions_missing" "assertion without Conditions passes the check" \
  idp/Saml/Sp/SamlResponseValidator.cs 's/return SamlReason\.ConditionsMissing;/return null;/' \
  tests/Idp.Tests "FullyQualifiedName~SamlResponseAttackCorpusTests.Attack_is_refused_with_its_reason"
mutation "SAML: name_id_missing" "empty NameID accepted" \
  idp/Saml/Sp/SamlResponseValidator.cs 's/if (nameId is null || string\.IsNullOrEmpty(value))/if (nameId is null)/' \
  tests/Idp.Tests "FullyQualifiedName~SamlResponseAttackCorpusTests.Attack_is_refused_with_its_reason"
mutation "SAML: not_an_authn_request" "SAML version not checked" \
  idp/Saml/Idp/AuthnRequestReader.cs 's/|| root\.GetAttribute("Version") != "2\.0" //' \
  tests/Idp.Tests "FullyQualifiedName~SamlIdentityProviderTests.Request_breaking_one_rule_is_refused_with_its_reason"
mutation "SAML: request_expired" "IssueInstant not checked" \
  idp/Saml/Idp/AuthnRequestReader.cs 's/if (!SamlTime\.IsRecent(/if (false \&\& !SamlTime.IsRecent(/' \
  tests/Idp.Tests "FullyQualifiedName~SamlIdentityProviderTests.Request_breaking_one_rule_is_refused_with_its_reason"
mutation "SAML: weak_key for a key met in a message" "weak key reported as invalid signature" \
  idp/Saml/EnvelopedSignature.cs 's/return weakKeySeen ? SamlReason\.WeakKey : invalidReason;/return weakKeySeen \&\& invalidReason is null ? SamlReason.WeakKey : invalidReason;/' \
  tests/Idp.Tests "FullyQualifiedName~SamlIdentityProviderTests"

# --- register ---
mutation "register: 409 for a taken SAML entity id" "entity ids not compared" \
  inventory/Register/SystemStore.cs 's/s\.SamlEntityId == entityId)/s.SamlEntityId == entityId + "~")/' \
  tests/Inventory.Tests "FullyQualifiedName~IntegrationRulesApiSqliteTests.Saml_entity_id_and_gateway_path_used_by_another_system_are_409"
mutation "register: 409 for a taken gateway path" "paths not compared" \
  inventory/Register/SystemStore.cs 's/s\.PublicPath == path)/s.PublicPath == path + "~")/' \
  tests/Inventory.Tests "FullyQualifiedName~IntegrationRulesApiSqliteTests.Saml_entity_id_and_gateway_path_used_by_another_system_are_409"
mutation "register: import size limit (413)" "limit 100 times larger" \
  inventory/Apis/ImportApi.cs 's/new RequestSizeLimitAttribute(MaxBodyBytes)/new RequestSizeLimitAttribute(MaxBodyBytes * 100)/' \
  tests/Inventory.Tests "FullyQualifiedName~IntegrationRulesApiSqliteTests.An_import_over_the_size_limit_is_413"
mutation "register: audit verification finds a removed entry" "gaps in the sequence ignored" \
  inventory/Apis/AuditApi.cs 's/if (entry\.Sequence != expected)/if (false \&\& entry.Sequence != expected)/' \
  tests/Inventory.Tests "FullyQualifiedName~AuditLogSqliteTests.Verify_finds_an_entry_removed_from_the_middle"

# --- core ---
mutation "core: return URL never leaves the site" "//host accepted" \
  core/Navigation/ReturnUrl.cs "s/url\[1\] is '\/' or /url[1] is /" \
  tests/Core.Tests "FullyQualifiedName~ReturnUrlTests"
mutation "core: gateway paths without dot segments" "'..' allowed" \
  core/Integration/IntegrationRules.cs 's/if (segment is "\." or "\.\.")/if (segment is "...")/' \
  tests/Core.Tests "FullyQualifiedName~IntegrationRulesTests.Gateway_paths_the_gateway_cannot_route_are_refused"

selected=()
for i in "${!guarantees[@]}"; do
  if [[ -z "$only" ]] || grep -Eq -- "$only" <<<"${guarantees[$i]} ${projects[$i]}"; then
    selected+=("$i")
  fi
done
if [[ ${#selected[@]} -eq 0 ]]; then
  echo "No mutation matches '$only'." >&2
  exit 2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/check-guarantees.XXXXXX")"
log="$work.log"
cleanup() { git -C "$root" worktree remove --force "$work" >/dev/null 2>&1 || rm -rf "$work"; git -C "$root" worktree prune; }
trap cleanup EXIT
git -C "$root" worktree add --detach "$work" "$ref" >/dev/null 2>&1
echo "Worktree $work at $(git -C "$work" rev-parse --short HEAD); details in $log" >&2

build() { dotnet build "$work/$1" -c Release -nologo -v q >>"$log" 2>&1; }
# Passes when the filter ran at least one test and none failed.
run_tests() {
  local out
  out="$(timeout 1200 dotnet test "$work/$1" -c Release --no-build --blame-hang-timeout 5m --filter "$2" 2>&1)" && local status=0 || local status=$?
  printf '%s\n' "$out" >>"$log"
  [[ $status -eq 0 ]] && grep -q "Passed!" <<<"$out"
}

# The unbroken code, built once per test project.
declare -A built=()
for i in "${selected[@]}"; do
  [[ "$dry" == 1 ]] && break
  project="${projects[$i]}"
  if [[ -z "${built[$project]:-}" ]]; then
    echo "building $project ..." >&2
    build "$project" || { echo "The unbroken $project does not build; see $log" >&2; exit 2; }
    built[$project]=1
  fi
done

results=()
problems=0
for i in "${selected[@]}"; do
  file="${files[$i]}" project="${projects[$i]}" filter="${filters[$i]}"
  echo "${guarantees[$i]} ..." >&2
  result=""
  if [[ "$dry" == 1 ]]; then
    sed -i -e "${expressions[$i]}" "$work/$file"
    git -C "$work" diff --quiet -- "$file" && result="NOT APPLIED" || result="caught"
    [[ "$result" == caught ]] && result="applies" && problems=$((problems - 1))
    git -C "$work" checkout -q -- "$file"
  elif [[ "$baseline" == 1 ]] && ! run_tests "$project" "$filter"; then
    result="BASELINE FAILS"
  else
    sed -i -e "${expressions[$i]}" "$work/$file"
    if git -C "$work" diff --quiet -- "$file"; then
      result="NOT APPLIED"
    elif ! build "$project"; then
      result="DOES NOT BUILD"
    elif run_tests "$project" "$filter"; then
      result="MISSED"
    else
      result="caught"
    fi
    git -C "$work" checkout -q -- "$file"
  fi
  [[ "$result" == caught ]] || problems=$((problems + 1))
  results+=("$(printf '%s | %s (%s) | %s | %s' "${guarantees[$i]}" "${descriptions[$i]}" "$file" "${filter#FullyQualifiedName~}" "$result")")
done

echo
echo "guarantee | mutation | test | result"
echo "--- | --- | --- | ---"
printf '%s\n' "${results[@]}"
echo
if [[ "$dry" == 1 ]]; then
  echo "$(( ${#selected[@]} - problems )) of ${#selected[@]} mutations apply."
else
  echo "$(( ${#selected[@]} - problems )) of ${#selected[@]} mutations caught."
fi
[[ $problems -eq 0 ]]
