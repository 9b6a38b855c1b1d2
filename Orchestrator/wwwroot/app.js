// The Orchestrator's web page: submit change requests, list them, and follow one request's timeline live
// through the server-sent events stream. Plain DOM, no build step; user data only ever goes through textContent.
"use strict";

const stages = ["idle", "plan_phase", "code_phase", "build1", "test_plan", "test_build", "build2", "done", "regress"];
const api = "/api/change-requests";
let selectedId = null;
let events = null;

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "className") node.className = value;
    else if (key.startsWith("data-")) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child ?? "")));
  return node;
}

function stageBadge(stage) {
  return el("span", { className: `stage ${stage}`, "data-stage": stage }, stage);
}

async function submit(event) {
  event.preventDefault();
  const status = document.getElementById("submit-status");
  status.className = "";
  status.textContent = "Submitting…";
  const body = {
    repo: document.getElementById("repo").value,
    branch: document.getElementById("branch").value,
    description: document.getElementById("description").value,
    requester: document.getElementById("requester").value,
  };
  const apiKey = document.getElementById("api-key").value;
  sessionStorage.setItem("apiKey", apiKey);
  const headers = { "Content-Type": "application/json" };
  if (apiKey) headers["X-Api-Key"] = apiKey;
  try {
    const response = await fetch(api, { method: "POST", headers, body: JSON.stringify(body) });
    const payload = await response.json().catch(() => ({}));
    if (response.status !== 202) {
      const problems = payload.errors ? Object.values(payload.errors).flat().join("\n") : (payload.detail ?? "");
      status.className = "error";
      status.textContent = `${payload.title ?? response.statusText} ${problems}`.trim();
      return;
    }
    status.textContent = `Accepted: ${payload.id}`;
    await refreshList();
    select(payload.id);
  } catch (error) {
    status.className = "error";
    status.textContent = `Could not reach the Orchestrator: ${error}`;
  }
}

async function refreshList() {
  const stage = document.getElementById("stage-filter").value;
  const response = await fetch(`${api}?pageSize=50${stage ? `&stage=${encodeURIComponent(stage)}` : ""}`);
  if (!response.ok) return;
  const page = await response.json();
  const list = document.getElementById("request-list");
  list.replaceChildren(...page.items.map(item => {
    const li = el("li", { className: item.id === selectedId ? "selected" : "", "data-id": item.id },
      stageBadge(item.stage), " ", el("strong", {}, item.repo), `@${item.branch} — `, item.description.slice(0, 80));
    li.addEventListener("click", () => select(item.id));
    return li;
  }));
}

function renderTrack(current) {
  const track = document.getElementById("stage-track");
  const reachedIndex = stages.indexOf(current);
  track.replaceChildren(...stages.filter(s => s !== "regress" || current === "regress").map((stage, index) => {
    const classes = [];
    if (current === "regress" ? stage === "regress" : index <= reachedIndex) classes.push("reached");
    if (stage === current) classes.push("current");
    return el("li", { className: classes.join(" ") }, stage);
  }));
}

function setStage(stage) {
  document.getElementById("detail-stage").replaceWith(Object.assign(stageBadge(stage), { id: "detail-stage" }));
  renderTrack(stage);
}

function addTimelineRow(entry) {
  const row = el("tr", { className: entry.applied ? "applied" : "ignored", "data-seq": entry.seq },
    el("td", {}, new Date(entry.at).toLocaleTimeString()),
    el("td", {}, entry.trigger),
    el("td", {}, entry.applied ? `${entry.from} → ${entry.to}` : `${entry.from} (ignored)`),
    el("td", {}, entry.sourcePartition == null ? entry.sourceTopic : `${entry.sourceTopic}[${entry.sourcePartition}]@${entry.sourceOffset}`),
    el("td", {}, entry.detail));
  document.getElementById("timeline").append(row);
}

async function renderDetails(id) {
  const response = await fetch(`${api}/${encodeURIComponent(id)}`);
  if (!response.ok) return;
  const details = await response.json();
  document.getElementById("detail-id").textContent = details.id;
  document.getElementById("detail-summary").textContent =
    `${details.repo}@${details.branch} by ${details.requester} (attempt ${details.attempts}): ${details.description}`;
  setStage(details.stage);
  const plan = document.getElementById("detail-plan");
  plan.replaceChildren();
  if (details.plan) {
    plan.append(el("h3", {}, `Plan ${details.plan.id}`),
      el("ol", {}, ...details.plan.steps.map(s => el("li", {}, `${s.kind} ${s.path}: ${s.goal}`))),
      el("p", {}, `Leases: ${details.leases.reservedLeaseIds.join(", ") || "none"} (${details.leases.release})`));
  }
  const tickets = document.getElementById("detail-tickets");
  tickets.replaceChildren(...details.tickets.map(t => el("p", { className: "ticket" }, `Regression ticket (${t.stage}): ${t.reason}`)));
}

function select(id) {
  selectedId = id;
  document.getElementById("detail").hidden = false;
  document.getElementById("timeline").replaceChildren();
  for (const li of document.querySelectorAll("#request-list li")) li.classList.toggle("selected", li.dataset.id === id);
  renderDetails(id);
  if (events) events.close();
  events = new EventSource(`${api}/${encodeURIComponent(id)}/events`);
  events.addEventListener("transition", message => {
    const entry = JSON.parse(message.data);
    addTimelineRow(entry);
    if (entry.applied) setStage(entry.to);
  });
  events.addEventListener("end", () => {
    events.close();
    renderDetails(id);
    refreshList();
  });
}

document.getElementById("submit-form").addEventListener("submit", submit);
document.getElementById("stage-filter").append(...stages.map(s => el("option", { value: s }, s)));
document.getElementById("stage-filter").addEventListener("change", refreshList);
document.getElementById("api-key").value = sessionStorage.getItem("apiKey") ?? "";
refreshList();
setInterval(refreshList, 5000);
