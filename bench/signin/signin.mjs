// One person's sign-in through the gateway, as a browser without JavaScript, from a fresh cookie
// jar: gateway /procapita/ → idp authorize → login page → posted form → authorize again → the
// idp's form_post to the gateway's /signin-oidc → back to /procapita/, the backend's page.
// SIGNINS times in a row (one at a time: the CPU per sign-in is what is measured, not a storm).
// Prints one JSON line: {signins, errors, seconds, hops}. Every loop is bounded.
const gateway = process.env.GATEWAY ?? "http://127.0.0.1:5000";
const path = process.env.SIGNIN_PATH ?? "/procapita/";
const userName = process.env.SIGNIN_USER ?? "sara.sekreterare";
const password = process.env.SIGNIN_PASSWORD ?? "Skola-Demo-2026!";
const signins = Number(process.env.SIGNINS ?? 20);

const decode = (s) => s.replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
  .replace(/&#([0-9]+);/g, (_, d) => String.fromCodePoint(Number(d)))
  .replace(/&quot;/g, "\"").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

function readForm(page, html) {
  const fields = {};
  for (const tag of html.match(/<input[^>]*>/gi) ?? []) {
    const attributes = {};
    for (const m of tag.matchAll(/([a-zA-Z_:-]+)\s*=\s*"([^"]*)"/g)) attributes[m[1].toLowerCase()] ??= decode(m[2]);
    if (attributes.name !== undefined && !(attributes.name in fields)) fields[attributes.name] = attributes.value ?? "";
  }
  const action = html.match(/<form[^>]*action="([^"]*)"/i);
  return { action: action ? new URL(decode(action[1]), page) : new URL(page), fields };
}

// Cookies are kept per name and path, as a browser does for one host (ports share cookies).
class Jar {
  #cookies = new Map();
  take(response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim(), value = pair.slice(eq + 1).trim();
      const pathAttribute = attributes.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith("path="));
      const cookiePath = pathAttribute ? pathAttribute.slice(5) : "/";
      const expired = attributes.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split("=")[1]) < Date.now())
        || attributes.some((a) => /^\s*max-age=\s*0\s*$/i.test(a));
      const key = `${name}\u0000${cookiePath}`;
      if (expired || value === "") this.#cookies.delete(key); else this.#cookies.set(key, { name, value, path: cookiePath });
    }
  }
  header(url) {
    return [...this.#cookies.values()].filter((c) => url.pathname.startsWith(c.path)).map((c) => `${c.name}=${c.value}`).join("; ");
  }
}

async function send(jar, url, init = {}) {
  const headers = { accept: "text/html", ...(init.headers ?? {}) };
  const cookie = jar.header(url);
  if (cookie) headers.cookie = cookie;
  const response = await fetch(url, { ...init, headers, redirect: "manual" });
  jar.take(response);
  return response;
}

const post = (jar, url, fields) => send(jar, url, {
  method: "POST", body: new URLSearchParams(fields).toString(),
  headers: { "content-type": "application/x-www-form-urlencoded" },
});

async function signIn() {
  const jar = new Jar();
  const target = new URL(path, gateway);
  let location = target, hops = 0;
  let response = await send(jar, location);
  for (; hops < 12; hops++) {
    const status = response.status;
    if (status === 302 || status === 303) {
      location = new URL(response.headers.get("location"), location);
      await response.arrayBuffer();
      response = await send(jar, location);
      continue;
    }
    if (status !== 200) throw new Error(`${location}: ${status} ${(await response.text()).slice(0, 300)}`);
    const html = await response.text();
    if (location.pathname === "/login") {
      const form = readForm(location, html);
      response = await post(jar, form.action, { ...form.fields, UserName: userName, Password: password });
      continue;
    }
    if (location.pathname === "/connect/authorize") { // the form_post a browser submits by itself
      const form = readForm(location, html);
      location = form.action;
      response = await post(jar, location, form.fields);
      continue;
    }
    if (location.href !== target.href) throw new Error(`ended at ${location}, not ${target}`);
    return hops + 1;
  }
  throw new Error(`too many hops, last at ${location}`);
}

let errors = 0, hops = 0, firstError = "";
const started = process.hrtime.bigint();
for (let i = 0; i < signins; i++) {
  try { hops += await signIn(); } catch (e) { errors++; firstError ||= String(e.message ?? e); }
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(JSON.stringify({ signins, errors, seconds, hops, firstError }));
