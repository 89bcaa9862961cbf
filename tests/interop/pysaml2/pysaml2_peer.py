#!/usr/bin/python3
"""A real SAML peer for the federation's interop tests, built on pysaml2 (Debian python3-pysaml2).

Subcommands (each prints one JSON object on stdout; exit 1 with a message on failure):
  sp-login     pysaml2 as a downstream SP: sends an AuthnRequest to our IdP (HTTP-Redirect or
               HTTP-POST, signed or not), reads the auto-post page and validates our Response
               with pysaml2's own validation.
  idp-metadata pysaml2 as an upstream IdP: prints its metadata.
  idp-respond  pysaml2 as an upstream IdP: parses our AuthnRequest (checks its query-string
               signature against our SP metadata) and answers with a signed Response.
"""
import argparse
import base64
import functools
import html.parser
import json
import sys
import tempfile
import urllib.parse
import urllib.request

import saml2
import saml2.entity
import saml2.sigver
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import IdPConfig, SPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

XMLSEC = "/usr/bin/xmlsec1"
LOA3 = "http://id.elegnamnden.se/loa/1.0/loa3"
AES256_CBC = "http://www.w3.org/2001/04/xmlenc#aes256-cbc"


class FormReader(html.parser.HTMLParser):
    """Collects the action and the fields of the first form, as a browser without JavaScript would."""

    def __init__(self):
        super().__init__()
        self.action = None
        self.fields = {}
        self.has_button = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = attrs.get("action")
        elif tag == "input" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value", "")
        elif tag == "button" and attrs.get("type") == "submit":
            self.has_button = True


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def http(url, data=None):
    request = urllib.request.Request(url, data=data)
    if data is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read().decode("utf-8")


def temp_file(text, suffix):
    handle = tempfile.NamedTemporaryFile("w", suffix=suffix, delete=False)
    handle.write(text)
    handle.close()
    return handle.name


def sp_login(args):
    _, idp_metadata = http(args.idp_metadata_url)
    config = SPConfig()
    config.load({
        "entityid": args.entity_id,
        "key_file": args.key,
        "cert_file": args.cert,
        "xmlsec_binary": XMLSEC,
        "metadata": {"local": [temp_file(idp_metadata, ".xml")]},
        "allow_unknown_attributes": True,
        "service": {"sp": {
            "endpoints": {"assertion_consumer_service": [(args.acs, BINDING_HTTP_POST)]},
            "allow_unsolicited": False,
            "authn_requests_signed": args.sign,
            "want_assertions_signed": True,
            "want_response_signed": True,
            "name_id_format": NAMEID_FORMAT_PERSISTENT,
        }},
    })
    client = Saml2Client(config=config)
    binding = BINDING_HTTP_REDIRECT if args.binding == "redirect" else BINDING_HTTP_POST
    request_id, info = client.prepare_for_authenticate(
        entityid=args.idp_entity_id,
        relay_state=args.relay_state,
        binding=binding,
        sign=args.sign,
        sigalg=SIG_RSA_SHA256 if args.sign else None,
        digest_alg=DIGEST_SHA256,
    )
    if binding == BINDING_HTTP_REDIRECT:
        _, page = http(dict(info["headers"])["Location"])
    else:
        form = FormReader()
        form.feed(info["data"])
        _, page = http(form.action, urllib.parse.urlencode(form.fields).encode("ascii"))

    form = FormReader()
    form.feed(page)
    if form.action != args.acs:
        fail(f"the IdP posts to {form.action}, expected {args.acs}")
    response = client.parse_authn_request_response(
        form.fields["SAMLResponse"], BINDING_HTTP_POST, outstanding={request_id: "/"})
    if response is None:
        fail("pysaml2 did not accept the response")
    authn = response.authn_info()
    print(json.dumps({
        "request_id": request_id,
        "in_response_to": response.in_response_to,
        "issuer": response.issuer(),
        "name_id": response.name_id.text,
        "name_id_format": response.name_id.format,
        "attributes": response.ava,
        "authn_context": [a[0] for a in authn],
        "relay_state": form.fields.get("RelayState"),
        "response_signed": response.response.signature is not None,
        "assertion_signed": response.assertion.signature is not None,
        "has_submit_button": form.has_button,
    }))


def idp_config(args, sp_metadata_path=None):
    config = IdPConfig()
    config.load({
        "entityid": args.entity_id,
        "key_file": args.key,
        "cert_file": args.cert,
        "xmlsec_binary": XMLSEC,
        "metadata": {"local": [sp_metadata_path]} if sp_metadata_path else {},
        "service": {"idp": {
            "endpoints": {"single_sign_on_service": [(args.sso, BINDING_HTTP_REDIRECT)]},
            "name_id_format": [NAMEID_FORMAT_PERSISTENT],
            "policy": {"default": {
                "lifetime": {"minutes": 5},
                "name_form": saml2.saml.NAME_FORMAT_URI,
            }},
        }},
    })
    return config


def idp_metadata(args):
    print(json.dumps({"metadata": str(entity_descriptor(idp_config(args)))}))


def idp_respond(args):
    with open(args.sp_metadata, encoding="utf-8") as handle:
        sp_metadata = handle.read()
    server = Server(config=idp_config(args, temp_file(sp_metadata, ".xml")))
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(args.request_url).query))
    request = server.parse_authn_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT)
    message = request.message
    sp_entity_id = message.issuer.text
    certificates = server.metadata.certs(sp_entity_id, "spsso", use="signing")
    if not any(
        saml2.sigver.verify_redirect_signature(query, saml2.sigver.RSACrypto(None), cert=c)
        for c in certificates
    ):
        fail("the AuthnRequest's query-string signature does not verify with the SP's metadata")

    encrypt = args.encrypt != "none"
    if args.encrypt == "aes256-cbc":
        # pysaml2 offers no setting for the content algorithm (its default is 3DES): set the
        # template's algorithm and xmlsec1's session key as a deployment would have to.
        saml2.entity.pre_encryption_part = functools.partial(saml2.sigver.pre_encryption_part, msg_enc=AES256_CBC)
        encrypt_with = server.sec.encrypt_assertion
        server.sec.encrypt_assertion = lambda statement, enc_key, template, key_type=None, node_xpath=None: \
            encrypt_with(statement, enc_key, template, "aes-256", node_xpath)
    encryption_certificates = server.metadata.certs(sp_entity_id, "spsso", use="encryption") if encrypt else []
    response = server.create_authn_response(
        identity={
            "eduPersonPrincipalName": ["rolf.rektor@skola.example.se"],
            "givenName": ["Rolf"],
            "sn": ["Rektor"],
        },
        in_response_to=message.id,
        destination=message.assertion_consumer_service_url,
        sp_entity_id=sp_entity_id,
        name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, sp_name_qualifier=sp_entity_id, text="upstream-rolf-4711"),
        authn={"class_ref": LOA3, "authn_auth": args.entity_id},
        sign_response=True,
        sign_assertion=True,
        sign_alg=SIG_RSA_SHA256,
        digest_alg=DIGEST_SHA256,
        encrypt_assertion=encrypt,
        encrypt_assertion_self_contained=True,
        encrypt_cert_assertion=encryption_certificates[0] if encrypt else None,
    )
    print(json.dumps({
        "request_id": message.id,
        "force_authn": message.force_authn,
        "acs": message.assertion_consumer_service_url,
        "response": base64.b64encode(str(response).encode("utf-8")).decode("ascii"),
    }))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    sp = commands.add_parser("sp-login")
    sp.add_argument("--idp-metadata-url", required=True)
    sp.add_argument("--idp-entity-id", required=True)
    sp.add_argument("--entity-id", required=True)
    sp.add_argument("--acs", required=True)
    sp.add_argument("--key", required=True)
    sp.add_argument("--cert", required=True)
    sp.add_argument("--binding", choices=["redirect", "post"], default="redirect")
    sp.add_argument("--sign", action="store_true")
    sp.add_argument("--relay-state", default="")
    sp.set_defaults(run=sp_login)

    for name, run in (("idp-metadata", idp_metadata), ("idp-respond", idp_respond)):
        idp = commands.add_parser(name)
        idp.add_argument("--entity-id", required=True)
        idp.add_argument("--sso", required=True)
        idp.add_argument("--key", required=True)
        idp.add_argument("--cert", required=True)
        if name == "idp-respond":
            idp.add_argument("--sp-metadata", required=True)
            idp.add_argument("--request-url", required=True)
            idp.add_argument("--encrypt", choices=["none", "aes256-cbc", "default"], default="none")
        idp.set_defaults(run=run)

    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
