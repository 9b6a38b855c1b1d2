// The Orchestrator's web page: submit change requests, list them, follow one request live (server-sent events read
// with fetch, so the API key travels as a header), review its plan, and cancel or retry it. Plain DOM, no build step;
// user and repository data only ever go through textContent (the Content-Security-Policy forbids inline script).
"use strict";

const stages = ["idle", "plan_phase", "plan_review", "code_phase", "build1", "test_plan", "test_build", "build2", "done", "regress", "cancelled"];
const terminal = new Set(["done", "regress", "cancelled"]);
const kinds = ["ADD", "EDIT", "REMOVE", "REFACTOR"];
const api = "/api/change-requests";
const notes = new Set(["index", "release_fail"]);   // timeline notes, not transitions
let branchEdited = false;   // the user typed a branch: do not replace it with the repository's current one
let selectedId = null;
let stream = null;          // AbortController of the open event stream
let current = null;         // details of the selected request
let pendingKey = null;      // Idempotency-Key of a submission whose answer has not arrived

const $ = id => document.getElementById(id);

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "className") node.className = value;
    else if (key.startsWith("data-") || key.startsWith("aria-")) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child ?? "")));
  return node;
}

function headers(extra = {}) {
  const key = sessionStorage.getItem("apiKey");
  return key ? { ...extra, "X-Api-Key": key } : extra;
}

// Every API call: sends the key, and on 401 asks for one.
async function call(path, options = {}) {
  const response = await fetch(path, { ...options, headers: headers(options.headers ?? {}) });
  if (response.status === 401) {
    $("key-panel").open = true;
    $("key-status").textContent = "This Orchestrator requires an API key: enter it under \"API key\".";
  } else if (response.ok) {
    $("key-status").textContent = "";
  }
  return response;
}

function problemText(payload, response) {
  const problems = payload.errors ? Object.values(payload.errors).flat().join("\n") : (payload.detail ?? "");
  return `${payload.title ?? response.statusText} ${problems}`.trim();
}

function ago(seconds) {
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

function stageBadge(stage) {
  return el("span", { className: `stage ${stage}`, "data-stage": stage }, stage);
}

async function submit(event) {
  event.preventDefault();
  const status = $("submit-status");
  status.className = "";
  status.textContent = "Submitting…";
  const body = {
    repo: $("repo").value, branch: $("branch").value, description: $("description").value,
    requester: $("requester").value, review: $("review").checked,
  };
  // The same key until an answer arrives, so resubmitting after a network failure cannot create a second request.
  pendingKey ??= crypto.randomUUID();
  try {
    const response = await call(api, { method: "POST", headers: { "Content-Type": "application/json", "Idempotency-Key": pendingKey }, body: JSON.stringify(body) });
    pendingKey = null;
    const payload = await response.json().catch(() => ({}));
    if (response.status !== 202) {
      status.className = "error";
      status.textContent = problemText(payload, response);
      return;
    }
    status.textContent = `Accepted: ${payload.id}`;
    await refreshList();
    select(payload.id);
  } catch (error) {
    status.className = "error";
    status.textContent = `Could not reach the Orchestrator: ${error}. Submitting again is safe.`;
  }
}

async function refreshList() {
  const query = new URLSearchParams({ pageSize: "50" });
  if ($("stage-filter").value) query.set("stage", $("stage-filter").value);
  if ($("repo-filter").value.trim()) query.set("repo", $("repo-filter").value.trim());
  const response = await call(`${api}?${query}`);
  if (!response.ok) return;
  const page = await response.json();
  $("request-list").replaceChildren(...page.items.map(item => {
    const li = el("li", { className: item.id === selectedId ? "selected" : "", "data-id": item.id },
      stageBadge(item.stage), " ", el("strong", {}, item.repo), `@${item.branch} — `, item.description.slice(0, 80), " ",
      el("span", { className: "age" }, `submitted ${ago(item.ageSeconds)} ago · last change ${ago(item.idleSeconds)} ago${item.stalled ? " · stalled" : ""}`));
    li.addEventListener("click", () => select(item.id));
    return li;
  }));
}

function renderTrack(stage) {
  const shown = stages.filter(s => !terminal.has(s) || s === "done" || s === stage).filter(s => s !== "plan_review" || current?.review || stage === "plan_review");
  const reachedIndex = shown.indexOf(stage);
  $("stage-track").replaceChildren(...shown.map((s, index) => {
    const classes = [];
    if (index <= reachedIndex) classes.push("reached");
    if (s === stage) classes.push("current");
    return el("li", { className: classes.join(" ") }, s);
  }));
}

function setStage(stage) {
  $("detail-stage").replaceWith(Object.assign(stageBadge(stage), { id: "detail-stage" }));
  renderTrack(stage);
}

function addTimelineRow(entry) {
  if (document.querySelector(`#timeline tr[data-seq='${entry.seq}']`)) return;
  const note = notes.has(entry.trigger);
  $("timeline").append(el("tr", { className: entry.applied ? "applied" : note ? "note" : "ignored", "data-seq": entry.seq },
    el("td", {}, new Date(entry.at).toLocaleTimeString()),
    el("td", {}, entry.trigger),
    el("td", {}, entry.applied ? `${entry.from} → ${entry.to}` : note ? `${entry.from} (note)` : `${entry.from} (ignored)`),
    el("td", {}, entry.sourcePartition == null ? entry.sourceTopic : `${entry.sourceTopic}[${entry.sourcePartition}]@${entry.sourceOffset}`),
    el("td", {}, entry.detail)));
}

function leaseText(lease) {
  const until = lease.expiresAt ? new Date(lease.expiresAt).toLocaleTimeString() : "?";
  return `lease ${lease.leaseId} held by plan ${lease.holder} until ${until}${lease.expired ? " (expired)" : ""}`;
}

function renderStep(step, editable) {
  const item = el("li", { className: "plan-step", "data-order": step.order });
  const head = el("div", { className: "step-head" });
  if (editable) {
    const kind = el("select", { className: "kind-select", "aria-label": `kind of step ${step.order}` }, ...kinds.map(k => el("option", { value: k, selected: k === step.kind }, k)));
    const path = el("input", { className: "path", value: step.path, "aria-label": `path of step ${step.order}` });
    const remove = el("button", { type: "button", className: "secondary remove-step" }, "Remove step");
    remove.addEventListener("click", () => {
      item.classList.toggle("removed");
      remove.textContent = item.classList.contains("removed") ? "Keep step" : "Remove step";
    });
    head.append(el("span", {}, `${step.order}.`), kind, path, remove);
  } else {
    head.append(el("span", {}, `${step.order}.`), el("span", { className: "kind" }, step.kind), el("code", { className: "path" }, step.path));
  }
  item.append(head, el("p", { className: "goal" }, step.goal));
  const symbols = step.symbols.length === 0 ? "no symbols" : step.symbols.map(symbol => {
    const lease = step.leases.find(l => l.fqName === symbol);
    return lease ? `${symbol} (${leaseText(lease)})` : symbol;
  }).join("; ");
  item.append(el("p", { className: "symbols" }, "Symbols: ", symbols));
  for (const evidence of step.evidence) {
    item.append(el("p", { className: "evidence" },
      `Why: retrieved ${evidence.path}:${evidence.startLine}-${evidence.endLine}${evidence.symbol ? ` (${evidence.symbol})` : ""}, score ${evidence.score.toFixed(3)}`),
      el("pre", {}, evidence.snippet));
  }
  return item;
}

function renderPlan(details) {
  const plan = $("detail-plan");
  plan.replaceChildren();
  if (!details.plan) return;
  const editable = details.stage === "plan_review";
  plan.append(el("h3", {}, `Plan ${details.plan.id}`), el("p", { className: "muted" }, `by ${details.plan.planner || "an unnamed planner"}`),
    el("ol", { className: "plan-steps", id: "plan-steps" }, ...details.plan.steps.map(s => renderStep(s, editable))));
  if (details.plan.rationale.length) plan.append(el("p", { className: "rationale" }, "Rationale: ", details.plan.rationale.join(" ")));
}

function renderLeases(details) {
  const box = $("detail-leases");
  const leases = details.leases;
  box.replaceChildren(el("h3", {}, "Leases"),
    el("p", { id: "lease-release", "data-release": leases.release }, `${leases.reservedLeaseIds.length} reserved (${leases.release}${leases.releasedCount != null ? `, ${leases.releasedCount} released` : ""})`));
  if (leases.lookupError) box.append(el("p", { className: "error" }, leases.lookupError));
  if (leases.live?.length) {
    box.append(el("table", { className: "leases" },
      el("thead", {}, el("tr", {}, ...["symbol", "file", "lease", "holder", "expires"].map(h => el("th", {}, h)))),
      el("tbody", {}, ...leases.live.map(l => el("tr", { "data-lease": l.leaseId },
        el("td", {}, l.fqName), el("td", {}, l.filePath), el("td", {}, l.leaseId), el("td", {}, l.holder),
        el("td", {}, l.expiresAt ? new Date(l.expiresAt).toLocaleString() : "?"))))));
  }
}

function actionButton(label, className, handler) {
  const button = el("button", { type: "button", className, id: `action-${label.toLowerCase().replaceAll(" ", "-")}` }, label);
  button.addEventListener("click", handler);
  return button;
}

async function act(path, body) {
  const status = $("action-status");
  status.className = "";
  status.textContent = "Working…";
  const response = await call(`${api}/${encodeURIComponent(selectedId)}/${path}`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body ?? {}),
  });
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) {
    status.className = "error";
    status.textContent = problemText(payload, response);
    return null;
  }
  status.textContent = "";
  return payload;
}

function editedSteps() {
  return [...document.querySelectorAll("#plan-steps .plan-step:not(.removed)")].map(item => ({
    order: Number(item.dataset.order), kind: item.querySelector(".kind-select").value, path: item.querySelector("input.path").value,
  }));
}

function renderActions(details) {
  const box = $("detail-actions");
  const buttons = [];
  if (details.actions.includes("approve")) buttons.push(actionButton("Approve", "", async () => {
    const steps = editedSteps();
    const original = details.plan.steps;
    const changed = steps.length !== original.length || steps.some(s => { const o = original.find(x => x.order === s.order); return o.kind !== s.kind || o.path !== s.path; });
    if (changed && !(await act("edit", { steps }))) return;
    if (await act("approve")) renderDetails(selectedId);
  }));
  if (details.actions.includes("edit")) buttons.push(actionButton("Save edits", "secondary", async () => {
    if (await act("edit", { steps: editedSteps() })) renderDetails(selectedId);
  }));
  if (details.actions.includes("reject")) buttons.push(actionButton("Reject", "danger", async () => {
    if (await act("reject", { reason: "rejected on the web page" })) renderDetails(selectedId);
  }));
  if (details.actions.includes("cancel")) buttons.push(actionButton("Cancel request", "danger", async () => {
    if (await act("cancel", { reason: "cancelled on the web page" })) renderDetails(selectedId);
  }));
  if (details.actions.includes("retry")) buttons.push(actionButton("Retry", "secondary", async () => {
    const submitted = await act("retry");
    if (submitted) { await refreshList(); select(submitted.id); }
  }));
  box.replaceChildren(...buttons);
}

async function renderDetails(id) {
  const response = await call(`${api}/${encodeURIComponent(id)}`);
  if (!response.ok || id !== selectedId) return;
  const details = await response.json();
  current = details;
  $("detail-id").textContent = details.id;
  $("detail-link").href = `/requests/${encodeURIComponent(details.id)}`;
  $("detail-summary").textContent =
    `${details.repo}@${details.branch} by ${details.requester} (attempt ${details.attempts}${details.retryOf ? `, retry of ${details.retryOf}` : ""}): ${details.description}`;
  const now = Date.now();
  $("detail-times").textContent = `submitted ${new Date(details.createdAt).toLocaleString()} (${ago((now - Date.parse(details.createdAt)) / 1000)} ago) · last change ${ago((now - Date.parse(details.updatedAt)) / 1000)} ago`;
  setStage(details.stage);
  const waiting = $("detail-waiting");
  waiting.className = details.waiting?.unanswered ? "unanswered" : "muted";
  waiting.textContent = details.waiting ? `Waiting for ${details.waiting.for}: ${details.waiting.note}` : "";
  renderActions(details);
  renderPlan(details);
  renderLeases(details);
  $("detail-tickets").replaceChildren(...details.tickets.map(t => el("p", { className: "ticket" }, `Regression ticket (${t.stage}): ${t.reason}`)));
  for (const entry of details.timeline) addTimelineRow(entry);
}

// Server-sent events through fetch (EventSource cannot send the API key header); resumes with Last-Event-ID.
async function follow(id, controller) {
  let lastId = "";
  while (!controller.signal.aborted && id === selectedId) {
    try {
      const response = await call(`${api}/${encodeURIComponent(id)}/events`, {
        headers: lastId ? { "Last-Event-ID": lastId, Accept: "text/event-stream" } : { Accept: "text/event-stream" }, signal: controller.signal,
      });
      if (!response.ok) return;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let boundary;
        while ((boundary = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          const fields = { event: "message", data: "" };
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) continue;
            const colon = line.indexOf(":");
            const name = colon < 0 ? line : line.slice(0, colon);
            const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
            if (name === "data") fields.data += text; else fields[name] = text;
          }
          if (fields.id) lastId = fields.id;
          if (fields.event === "transition") {
            const entry = JSON.parse(fields.data);
            addTimelineRow(entry);
            if (entry.applied) { setStage(entry.to); renderDetails(id); }
          } else if (fields.event === "end") {
            renderDetails(id);
            refreshList();
            return;
          }
        }
      }
    } catch (error) {
      if (controller.signal.aborted) return;
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
}

function select(id, push = true) {
  selectedId = id;
  current = null;
  if (push && location.pathname !== `/requests/${encodeURIComponent(id)}`) history.pushState({ id }, "", `/requests/${encodeURIComponent(id)}`);
  $("detail").hidden = false;
  $("timeline").replaceChildren();
  $("detail-plan").replaceChildren();
  $("action-status").textContent = "";
  for (const li of document.querySelectorAll("#request-list li")) li.classList.toggle("selected", li.dataset.id === id);
  renderDetails(id);
  stream?.abort();
  stream = new AbortController();
  follow(id, stream);
}

// Once a path is typed, ask RagService (through the Orchestrator) about it: the branch defaults to its current branch.
async function describeRepository() {
  const path = $("repo").value.trim();
  const status = $("repo-status");
  if (!path) { status.textContent = ""; return; }
  const response = await call(`/api/repositories?${new URLSearchParams({ path })}`);
  if (path !== $("repo").value.trim()) return;
  if (response.status === 404) { status.textContent = ""; return; }   // no RagService to ask
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) { status.className = "error"; status.textContent = problemText(payload, response); return; }
  status.className = payload.ok ? "muted" : "error";
  status.textContent = payload.ok ? (payload.message || (payload.git ? `git working tree on ${payload.currentBranch || "a detached HEAD"}` : "")) : payload.message;
  if (payload.ok && payload.currentBranch && !branchEdited) $("branch").value = payload.currentBranch;
}

function selectFromLocation() {
  const match = location.pathname.match(/^\/requests\/([^/]+)$/);
  if (match) select(decodeURIComponent(match[1]), false);
}

$("submit-form").addEventListener("submit", submit);
$("repo").addEventListener("change", describeRepository);
$("branch").addEventListener("input", () => { branchEdited = true; });
$("submit-form").addEventListener("input", () => { pendingKey = null; });
$("stage-filter").append(...stages.map(s => el("option", { value: s }, s)));
$("stage-filter").addEventListener("change", refreshList);
$("repo-filter").addEventListener("change", refreshList);
$("api-key").value = sessionStorage.getItem("apiKey") ?? "";
$("api-key").addEventListener("change", () => { sessionStorage.setItem("apiKey", $("api-key").value); refreshList(); if (selectedId) select(selectedId, false); });
window.addEventListener("popstate", selectFromLocation);
refreshList();
selectFromLocation();
setInterval(refreshList, 5000);
