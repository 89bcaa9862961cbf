// Schoolsoft stand-in: a SAML 2.0 service provider of the federation's idp. It sends an
// AuthnRequest (HTTP-Redirect), and accepts the idp's Response (HTTP-POST) only when
// @node-saml/node-saml validates it against the certificate in the idp's metadata: signature,
// audience, recipient, times and InResponseTo (a response it did not ask for is refused).
//
// Settings (environment): PORT (default 5404; 0 = any free one), BASE_URL (default
// http://127.0.0.1:<port>: entity id <BASE_URL>/saml/metadata, ACS <BASE_URL>/saml/acs, as in the
// demo register's Schoolsoft entry), IDP_METADATA_URL (default http://127.0.0.1:5100/saml/metadata).
import { createServer } from "node:http";
import { randomBytes } from "node:crypto";
import { DOMParser } from "@xmldom/xmldom";
import { SAML } from "@node-saml/node-saml";

const MD = "urn:oasis:names:tc:SAML:2.0:metadata";
const DS = "http://www.w3.org/2000/09/xmldsig#";
const REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
const PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
const SESSION_COOKIE = "schoolsoft.session";
const SESSION_LIFETIME_MS = 8 * 60 * 60 * 1000;
const MAX_BODY = 512 * 1024;

const port = Number(process.env.PORT ?? 5404);
const idpMetadataUrl = process.env.IDP_METADATA_URL ?? "http://127.0.0.1:5100/saml/metadata";

/** The idp as its metadata describes it: entity id, signing certificates, SSO address (HTTP-Redirect). */
export function readIdpMetadata(xml) {
  const doc = new DOMParser().parseFromString(xml, "text/xml");
  const entity = doc.documentElement;
  const idp = entity?.getElementsByTagNameNS(MD, "IDPSSODescriptor")[0];
  if (!idp) throw new Error("The metadata has no IDPSSODescriptor.");
  const certificates = [];
  for (const key of Array.from(idp.getElementsByTagNameNS(MD, "KeyDescriptor"))) {
    const use = key.getAttribute("use");
    if (use && use !== "signing") continue;
    for (const cert of Array.from(key.getElementsByTagNameNS(DS, "X509Certificate"))) {
      certificates.push(cert.textContent.replace(/\s+/g, ""));
    }
  }
  const sso = Array.from(idp.getElementsByTagNameNS(MD, "SingleSignOnService")).find((s) => s.getAttribute("Binding") === REDIRECT);
  if (certificates.length === 0 || !sso) throw new Error("The metadata names no signing certificate or no HTTP-Redirect SSO service.");
  return { entityId: entity.getAttribute("entityID"), certificates, ssoUrl: sso.getAttribute("Location") };
}

async function fetchIdpMetadata() {
  // The idp may still be starting (run.sh starts it first, but a cold start takes a while).
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(idpMetadataUrl, { signal: AbortSignal.timeout(5000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return readIdpMetadata(await response.text());
    } catch (error) {
      if (attempt >= 60) throw new Error(`Could not read the idp's metadata at ${idpMetadataUrl}: ${error.message}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

const sessions = new Map(); // session id → { profile, until }

function sessionOf(request) {
  const cookie = (request.headers.cookie ?? "").split(";").map((c) => c.trim().split("=")).find(([name]) => name === SESSION_COOKIE);
  const session = cookie && sessions.get(cookie[1]);
  if (!session) return null;
  if (session.until < Date.now()) {
    sessions.delete(cookie[1]);
    return null;
  }
  return { id: cookie[1], ...session };
}

function readForm(request) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    request.on("data", (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error("The request body is too large."));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")))));
    request.on("error", reject);
  });
}

const escape = (text) => String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

function page(response, status, title, body) {
  response.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  response.end(`<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>${escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
table{border-collapse:collapse}td,th{border:1px solid #767676;padding:.3rem .6rem;text-align:left;vertical-align:top}
.ok{color:#064d00}.bad{color:#a00}</style></head><body><main><h1>${escape(title)}</h1>${body}</main></body></html>`);
}

function profilePage(profile) {
  const rows = Object.entries(profile.attributes ?? {})
    .map(([name, value]) => `<tr><td><code>${escape(name)}</code></td><td>${escape([].concat(value).join(", "))}</td></tr>`)
    .join("");
  return `<p class="ok">✔ Inloggad via SAML. Svaret från <code>${escape(profile.issuer)}</code> är signerat och kontrollerat mot idp:ns metadata.</p>
<table><tr><th scope="row">NameID</th><td id="name-id"><code>${escape(profile.nameID)}</code></td></tr>
<tr><th scope="row">NameID-format</th><td><code>${escape(profile.nameIDFormat)}</code></td></tr></table>
<h2>Attribut som idp:n lämnade ut</h2><table><tr><th>Attribut</th><th>Värde</th></tr>${rows}</table>
<p>Bara attribut på Schoolsofts utlämningslista i registret skickas hit.</p>
<form method="post" action="/signout"><button>Logga ut från Schoolsoft</button></form>`;
}

async function main() {
  const idp = await fetchIdpMetadata();
  let saml;
  // Every demo service shares the host 127.0.0.1, and a browser sends each one the others' cookies
  // too (cookies are per host, not per port): room for more than Node's 16 KB of headers.
  const server = createServer({ maxHeaderSize: 64 * 1024 }, async (request, response) => {
    try {
      const url = new URL(request.url, "http://localhost");
      if (!saml) {
        response.writeHead(503, { "retry-after": "1" });
        response.end();
        return;
      }
      if (request.method === "GET" && (url.pathname === "/health" || url.pathname === "/health/live")) {
        response.writeHead(200, { "content-type": "text/plain" });
        response.end("ok");
      } else if (request.method === "GET" && url.pathname === "/saml/metadata") {
        response.writeHead(200, { "content-type": "application/samlmetadata+xml" });
        response.end(saml.generateServiceProviderMetadata(null, null));
      } else if (request.method === "GET" && url.pathname === "/saml/login") {
        response.writeHead(302, { location: await saml.getAuthorizeUrlAsync("/", undefined, {}) });
        response.end();
      } else if (request.method === "POST" && url.pathname === "/saml/acs") {
        const form = await readForm(request);
        let profile;
        try {
          ({ profile } = await saml.validatePostResponseAsync(form));
        } catch (error) {
          // A refused response is a page for the person; the reason is in the log too.
          console.warn(`Refused a SAML response: ${error.message}`);
          page(response, 403, "Schoolsoft (demo): inloggningen godtogs inte", `<p class="bad">✘ ${escape(error.message)}</p><p><a href="/saml/login">Försök igen</a></p>`);
          return;
        }
        const id = randomBytes(32).toString("base64url");
        const kept = { issuer: profile.issuer, nameID: profile.nameID, nameIDFormat: profile.nameIDFormat, attributes: profile.attributes ?? {} };
        sessions.set(id, { profile: kept, until: Date.now() + SESSION_LIFETIME_MS });
        response.writeHead(303, { location: "/", "set-cookie": `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax` });
        response.end();
      } else if (request.method === "POST" && url.pathname === "/signout") {
        const session = sessionOf(request);
        if (session) sessions.delete(session.id);
        response.writeHead(303, { location: "/signed-out", "set-cookie": `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0` });
        response.end();
      } else if (request.method === "GET" && url.pathname === "/signed-out") {
        page(response, 200, "Schoolsoft (demo)", `<p>Du är utloggad från Schoolsoft.</p><p><a href="/saml/login">Logga in igen</a></p>`);
      } else if (request.method === "GET" && url.pathname === "/") {
        const session = sessionOf(request);
        if (!session) {
          response.writeHead(302, { location: "/saml/login" });
          response.end();
          return;
        }
        page(response, 200, "Schoolsoft (demo, SAML-tjänsteleverantör)", profilePage(session.profile));
      } else {
        page(response, 404, "Sidan finns inte", "<p>Den här sidan finns inte i Schoolsofts stand-in.</p>");
      }
    } catch (error) {
      console.error(error);
      if (!response.headersSent) page(response, 500, "Något gick fel", "<p>Schoolsofts stand-in kunde inte svara.</p>");
    }
  });
  server.listen(port, "127.0.0.1", () => {
    const actual = server.address().port;
    const base = (process.env.BASE_URL ?? `http://127.0.0.1:${actual}`).replace(/\/$/, "");
    saml = new SAML({
      issuer: `${base}/saml/metadata`,
      callbackUrl: `${base}/saml/acs`,
      audience: `${base}/saml/metadata`,
      entryPoint: idp.ssoUrl,
      idpIssuer: idp.entityId,
      idpCert: idp.certificates,
      identifierFormat: PERSISTENT,
      wantAuthnResponseSigned: true,
      wantAssertionsSigned: true,
      validateInResponseTo: "always",
      disableRequestedAuthnContext: true,
      acceptedClockSkewMs: 5000,
    });
    // ServiceProcess (tests) reads the address from this line, as from Kestrel's.
    console.log(`Now listening on: http://127.0.0.1:${actual}`);
    console.log(`Schoolsoft stand-in: entity id ${base}/saml/metadata, ACS ${base}/saml/acs, idp ${idp.entityId}`);
  });
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
