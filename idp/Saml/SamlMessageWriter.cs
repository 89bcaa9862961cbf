using System.Globalization;
using System.Xml;

namespace Federation.Idp.Saml;

/// <summary>A SAML attribute to release: urn:oid name, friendly name and values.</summary>
public sealed record SamlAttribute(string Name, string? FriendlyName, IReadOnlyList<string> Values);

/// <summary>Everything an issued assertion says; the writer adds nothing of its own but IDs.</summary>
public sealed record AssertionContent(
    string Issuer,
    string Destination,
    string? InResponseTo,
    string Audience,
    string NameId,
    string NameIdFormat,
    DateTimeOffset IssueInstant,
    TimeSpan Lifetime,
    DateTimeOffset AuthnInstant,
    string? AuthnContextClassRef,
    IReadOnlyList<SamlAttribute> Attributes,
    string? SessionIndex = null);

/// <summary>
/// Writes SAML protocol messages as DOM (so every value is escaped by the XML writer, never by
/// string concatenation). Signing is separate: <see cref="EnvelopedSignature.Sign(XmlElement, System.Security.Cryptography.X509Certificates.X509Certificate2, string, string, bool)"/>.
/// </summary>
public static class SamlMessageWriter
{
    /// <summary>A fresh xs:ID: starts with an underscore, 128 random bits.</summary>
    public static string NewId() => SamlIds.New();

    public static string Time(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A successful Response with one (unsigned) Assertion.</summary>
    public static XmlDocument Response(AssertionContent content)
    {
        var (document, response) = NewResponse(content.Issuer, content.Destination, content.InResponseTo, content.IssueInstant);
        AppendStatus(response, SamlNames.StatusSuccess, null);
        response.AppendChild(Assertion(document, content));
        return document;
    }

    /// <summary>An error Response (e.g. NoPassive) without assertion.</summary>
    public static XmlDocument StatusResponse(string issuer, string destination, string? inResponseTo, DateTimeOffset now, string topCode, string? subCode)
    {
        var (document, response) = NewResponse(issuer, destination, inResponseTo, now);
        AppendStatus(response, topCode, subCode);
        return document;
    }

    /// <summary>An AuthnRequest from our SP side.</summary>
    public static XmlDocument AuthnRequest(
        string id, string issuer, Uri destination, Uri acsUrl, DateTimeOffset now, bool forceAuthn,
        IReadOnlyList<string> requestedAuthnContext, string comparison)
    {
        var document = NewDocument();
        var request = Protocol(document, "AuthnRequest");
        document.AppendChild(request);
        request.SetAttribute("ID", id);
        request.SetAttribute("Version", "2.0");
        request.SetAttribute("IssueInstant", Time(now));
        request.SetAttribute("Destination", destination.AbsoluteUri);
        request.SetAttribute("AssertionConsumerServiceURL", acsUrl.AbsoluteUri);
        request.SetAttribute("ProtocolBinding", SamlNames.BindingPost);
        if (forceAuthn)
        {
            request.SetAttribute("ForceAuthn", "true");
        }
        request.AppendChild(AssertionElement(document, "Issuer", issuer));
        var policy = Protocol(document, "NameIDPolicy");
        policy.SetAttribute("AllowCreate", "true");
        request.AppendChild(policy);
        if (requestedAuthnContext.Count > 0)
        {
            var requested = Protocol(document, "RequestedAuthnContext");
            requested.SetAttribute("Comparison", comparison);
            foreach (var classRef in requestedAuthnContext)
            {
                requested.AppendChild(AssertionElement(document, "AuthnContextClassRef", classRef));
            }
            request.AppendChild(requested);
        }
        return document;
    }

    private static XmlDocument NewDocument() => new() { PreserveWhitespace = true, XmlResolver = null };

    private static XmlElement Protocol(XmlDocument document, string name) => document.CreateElement("samlp", name, SamlNames.Protocol);

    private static XmlElement AssertionElement(XmlDocument document, string name, string? text = null)
    {
        var element = document.CreateElement("saml", name, SamlNames.Assertion);
        if (text is not null)
        {
            element.AppendChild(document.CreateTextNode(text));
        }
        return element;
    }

    private static (XmlDocument, XmlElement) NewResponse(string issuer, string destination, string? inResponseTo, DateTimeOffset now)
    {
        var document = NewDocument();
        var response = Protocol(document, "Response");
        document.AppendChild(response);
        response.SetAttribute("xmlns:saml", SamlNames.Assertion);
        response.SetAttribute("ID", NewId());
        response.SetAttribute("Version", "2.0");
        response.SetAttribute("IssueInstant", Time(now));
        response.SetAttribute("Destination", destination);
        if (inResponseTo is not null)
        {
            response.SetAttribute("InResponseTo", inResponseTo);
        }
        var issuerElement = AssertionElement(document, "Issuer", issuer);
        issuerElement.SetAttribute("Format", SamlNames.NameIdEntity);
        response.AppendChild(issuerElement);
        return (document, response);
    }

    private static void AppendStatus(XmlElement response, string topCode, string? subCode)
    {
        var document = response.OwnerDocument;
        var status = Protocol(document, "Status");
        var code = Protocol(document, "StatusCode");
        code.SetAttribute("Value", topCode);
        if (subCode is not null)
        {
            var sub = Protocol(document, "StatusCode");
            sub.SetAttribute("Value", subCode);
            code.AppendChild(sub);
        }
        status.AppendChild(code);
        response.AppendChild(status);
    }

    private static XmlElement Assertion(XmlDocument document, AssertionContent content)
    {
        var assertion = AssertionElement(document, "Assertion");
        // Declared here too so the assertion stands alone when encrypted or copied out.
        assertion.SetAttribute("xmlns:saml", SamlNames.Assertion);
        assertion.SetAttribute("xmlns:xs", SamlNames.Xs);
        assertion.SetAttribute("xmlns:xsi", SamlNames.Xsi);
        assertion.SetAttribute("ID", NewId());
        assertion.SetAttribute("Version", "2.0");
        assertion.SetAttribute("IssueInstant", Time(content.IssueInstant));
        var issuer = AssertionElement(document, "Issuer", content.Issuer);
        issuer.SetAttribute("Format", SamlNames.NameIdEntity);
        assertion.AppendChild(issuer);

        var notOnOrAfter = Time(content.IssueInstant + content.Lifetime);
        var subject = AssertionElement(document, "Subject");
        var nameId = AssertionElement(document, "NameID", content.NameId);
        nameId.SetAttribute("Format", content.NameIdFormat);
        if (content.NameIdFormat is SamlNames.NameIdPersistent or SamlNames.NameIdTransient)
        {
            nameId.SetAttribute("NameQualifier", content.Issuer);
            nameId.SetAttribute("SPNameQualifier", content.Audience);
        }
        subject.AppendChild(nameId);
        var confirmation = AssertionElement(document, "SubjectConfirmation");
        confirmation.SetAttribute("Method", SamlNames.ConfirmationBearer);
        var data = AssertionElement(document, "SubjectConfirmationData");
        if (content.InResponseTo is not null)
        {
            data.SetAttribute("InResponseTo", content.InResponseTo);
        }
        data.SetAttribute("NotOnOrAfter", notOnOrAfter);
        data.SetAttribute("Recipient", content.Destination);
        confirmation.AppendChild(data);
        subject.AppendChild(confirmation);
        assertion.AppendChild(subject);

        var conditions = AssertionElement(document, "Conditions");
        conditions.SetAttribute("NotBefore", Time(content.IssueInstant));
        conditions.SetAttribute("NotOnOrAfter", notOnOrAfter);
        var restriction = AssertionElement(document, "AudienceRestriction");
        restriction.AppendChild(AssertionElement(document, "Audience", content.Audience));
        conditions.AppendChild(restriction);
        assertion.AppendChild(conditions);

        var authn = AssertionElement(document, "AuthnStatement");
        authn.SetAttribute("AuthnInstant", Time(content.AuthnInstant));
        authn.SetAttribute("SessionIndex", content.SessionIndex ?? NewId());
        var context = AssertionElement(document, "AuthnContext");
        context.AppendChild(AssertionElement(document, "AuthnContextClassRef", content.AuthnContextClassRef ?? SamlNames.PasswordProtectedTransport));
        authn.AppendChild(context);
        assertion.AppendChild(authn);

        if (content.Attributes.Count > 0)
        {
            var statement = AssertionElement(document, "AttributeStatement");
            foreach (var released in content.Attributes)
            {
                var attribute = AssertionElement(document, "Attribute");
                attribute.SetAttribute("Name", released.Name);
                attribute.SetAttribute("NameFormat", SamlNames.AttributeNameFormatUri);
                if (released.FriendlyName is not null)
                {
                    attribute.SetAttribute("FriendlyName", released.FriendlyName);
                }
                foreach (var value in released.Values)
                {
                    var element = AssertionElement(document, "AttributeValue", value);
                    var type = document.CreateAttribute("xsi", "type", SamlNames.Xsi);
                    type.Value = "xs:string";
                    element.Attributes.Append(type);
                    attribute.AppendChild(element);
                }
                statement.AppendChild(attribute);
            }
            assertion.AppendChild(statement);
        }
        return assertion;
    }
}
