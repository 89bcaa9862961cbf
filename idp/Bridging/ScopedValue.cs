namespace Federation.Idp.Bridging;

/// <summary>
/// Scoped attribute values (<c>local@scope</c>: eduPersonPrincipalName, eduPersonScopedAffiliation).
/// An upstream may speak only for its own scopes: a school's IdP asserting
/// <c>rektor@other-municipality.se</c> would otherwise become that person downstream. As Shibboleth
/// does, a value outside the upstream's scopes is dropped, not the whole sign-in refused: the person
/// is still who the upstream says, only without that value. Scopes match exactly (case-insensitive);
/// a subdomain is a scope of its own and must be declared.
/// </summary>
public static class ScopedValue
{
    /// <summary>True when <paramref name="value"/> is <c>local@scope</c> with a non-empty local part and its scope in <paramref name="scopes"/>.</summary>
    public static bool IsIn(string value, IReadOnlySet<string> scopes)
    {
        var at = value.LastIndexOf('@');
        return at > 0 && at < value.Length - 1 && value.IndexOf('@') == at && scopes.Contains(value[(at + 1)..]);
    }

    /// <summary>A scope is a plain DNS name: letters, digits, '-' and '.', no '@', wildcard or pattern.</summary>
    public static bool IsScopeName(string scope) =>
        scope.Length is > 0 and <= 253 && !scope.StartsWith('.') && !scope.EndsWith('.')
        && scope.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');
}
