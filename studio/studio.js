// effect-graflow studio: the page. Plain ES modules, no build step; it speaks the studio's JSON API
// (GET /api/openapi.json describes it) with the token of its URL, and listens to /api/events.

const token = new URLSearchParams(location.search).get("token") ?? ""
const $ = (selector, root = document) => root.querySelector(selector)

/** An element: `h("td.num", { title }, child…)`. Text children are text nodes (never HTML). */
const h = (tag, attrs = {}, ...children) => {
  const [head, ...classes] = tag.split(".")
  const [name, id] = head.split("#")
  const el = document.createElement(name)
  if (id !== undefined) el.id = id
  if (classes.length > 0) el.className = classes.join(" ")
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v)
    else if (k === "dataset") Object.assign(el.dataset, v)
    else el.setAttribute(k, v === true ? "" : String(v))
  }
  for (const child of children.flat(Infinity)) if (child !== undefined && child !== null && child !== false) el.append(child instanceof Node ? child : String(child))
  return el
}

/** A call to the API: the JSON answer, or throws the API's error (`{ _tag, message, issues? }`). */
const api = async (method, path, body) => {
  const response = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  const text = await response.text()
  const value = text === "" ? undefined : JSON.parse(text)
  if (!response.ok) throw Object.assign(new Error(value?.message ?? `${response.status} ${response.statusText}`), { body: value })
  return value
}
const enc = encodeURIComponent

// -- state ------------------------------------------------------------------------------------------

const state = {
  workflows: [],
  workflow: undefined, // the selected workflow's description
  runs: [],
  next: null,
  status: "",
  run: undefined, // the selected run's detail
  runId: undefined,
  live: [] // events of the selected run seen since its detail was read (for the graph only)
}

const fmtTime = (ms) => (ms === null || ms === undefined ? "—" : new Date(ms).toLocaleTimeString())
const fmtDuration = (ms) => {
  if (ms === null || ms === undefined) return "—"
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`
}
const badge = (status) => h(`span.badge.s-${status}`, { dataset: { status } }, status)

// -- routing: #/<workflow>[/<run id>] ---------------------------------------------------------------

const route = () => {
  const [, workflow, runId] = location.hash.split("/").map((part) => decodeURIComponent(part))
  return { workflow: workflow || undefined, runId: runId || undefined }
}
const go = (workflow, runId) => {
  location.hash = `#/${enc(workflow)}${runId === undefined ? "" : `/${enc(runId)}`}`
}

// -- the graph --------------------------------------------------------------------------------------

const STATES = {
  running: "fill:#fff6d6,stroke:#f1b400,color:#1d2330",
  succeeded: "fill:#dcf5e2,stroke:#2f9e44,color:#1d2330",
  failed: "fill:#ffe1ea,stroke:#d6336c,color:#1d2330",
  retried: "fill:#ffe8d9,stroke:#e8590c,color:#1d2330",
  suspended: "fill:#ece5ff,stroke:#7048e8,color:#1d2330",
  replayed: "fill:#eef0f2,stroke:#868e96,color:#1d2330"
}

/** Each task's state in a run, from its events (the latest says). */
const taskStates = (events) => {
  const states = new Map()
  for (const e of events) {
    if (e.taskId === undefined) continue
    if (e.type === "TaskStarted") states.set(e.taskId, "running")
    else if (e.type === "TaskSucceeded") states.set(e.taskId, "succeeded")
    else if (e.type === "TaskFailed") states.set(e.taskId, e.willRetry ? "retried" : "failed")
    else if (e.type === "TaskSuspended") states.set(e.taskId, "suspended")
    else if (e.type === "TaskReplayed") states.set(e.taskId, "replayed")
  }
  return states
}

let renders = 0
let graphQueued = false
/** Renders the workflow's chart with each task node painted by its state in the selected run. */
const paintGraph = () => {
  if (graphQueued) return
  graphQueued = true
  requestAnimationFrame(async () => {
    graphQueued = false
    const box = $("#graph")
    const workflow = state.workflow
    if (box === null || workflow === undefined) return
    if (typeof window.mermaid === "undefined") {
      box.replaceChildren(h("pre", {}, workflow.mermaid))
      return
    }
    const states = taskStates([...(state.run?.events ?? []), ...state.live])
    const byNode = new Map(Object.entries(workflow.nodes).map(([task, node]) => [node, task]))
    const lines = [workflow.mermaid]
    for (const [name, style] of Object.entries(STATES)) lines.push(`  classDef ${name} ${style}`)
    for (const [task, status] of states) {
      const node = workflow.nodes[task]
      if (node !== undefined) lines.push(`  class ${node} ${status}`)
    }
    try {
      const { svg } = await window.mermaid.render(`graph${++renders}`, lines.join("\n"))
      if (state.workflow !== workflow) return
      box.innerHTML = svg // mermaid's own output (labels escaped by it, securityLevel strict)
      for (const node of box.querySelectorAll("g.node")) {
        const match = /flowchart-(t\d+)-/.exec(node.id)
        const task = match === null ? undefined : byNode.get(match[1])
        if (task === undefined) continue
        node.dataset.task = task
        const status = states.get(task)
        if (status !== undefined) node.dataset.state = status
      }
    } catch (error) {
      box.replaceChildren(h("p.issue", {}, `The graph could not be drawn: ${error.message}`), h("pre", {}, workflow.mermaid))
    }
  })
}

// -- forms from JSON Schema --------------------------------------------------------------------------

const resolve = (schema, root) => {
  let s = schema
  for (let i = 0; i < 16 && s && typeof s.$ref === "string"; i++) {
    const path = s.$ref.replace(/^#\//, "").split("/").map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    s = path.reduce((at, key) => (at === undefined ? undefined : at[key]), root)
  }
  s = s ?? {}
  // A number's JSON form also takes "Infinity", "-Infinity" and "NaN" as strings: a number field (the JSON editor
  // sends those).
  const options = s.anyOf ?? s.oneOf
  if (Array.isArray(options)) {
    const number = options.find((o) => o.type === "number" || o.type === "integer")
    const rest = options.filter((o) => o !== number)
    if (number !== undefined && rest.every((o) => o.type === "string" && Array.isArray(o.enum))) return { ...s, ...number, anyOf: undefined }
  }
  return s
}
const literalsOf = (schema, root) => {
  if (Array.isArray(schema.enum)) return schema.enum
  const options = schema.anyOf ?? schema.oneOf
  if (Array.isArray(options)) {
    const values = options.map((o) => resolve(o, root)).map((o) => ("const" in o ? [o.const] : Array.isArray(o.enum) ? o.enum : undefined))
    if (values.every((v) => v !== undefined)) return values.flat()
  }
  return undefined
}

/**
 * A form for a JSON Schema: a field per property of an object (text, number, a checkbox, a choice of
 * literals, a nested object as a fieldset, anything else as JSON), or one field for the whole value.
 * `read()` gives the JSON value; `showIssues(issues)` puts each issue by its field.
 */
const schemaForm = (schema, onSubmit, submitLabel) => {
  const root = schema ?? {}
  const readers = []
  const fieldFor = (sub, path, label, required) => {
    const s = resolve(sub, root)
    const key = JSON.stringify(path)
    const wrap = (control, read) => {
      readers.push(read)
      return h("div.field", { dataset: { path: key } },
        h("label", {}, label ?? "value", required ? "" : h("span.muted", {}, " (optional)")),
        s.description ? h("div.muted", {}, s.description) : null,
        control,
        h("div.issue"))
    }
    const literals = literalsOf(s, root)
    if (literals !== undefined) {
      const select = h("select", { name: key }, required ? null : h("option", { value: "" }, "—"),
        literals.map((v, i) => h("option", { value: String(i) }, JSON.stringify(v))))
      return wrap(select, (out) => { if (select.value !== "") set(out, path, literals[Number(select.value)]) })
    }
    if (s.type === "object" && s.properties !== undefined) {
      const req = new Set(s.required ?? [])
      const fields = Object.entries(s.properties).map(([k, p]) => fieldFor(p, [...path, k], k, req.has(k)))
      if (path.length === 0) return h("div", {}, fields)
      return h("fieldset", { dataset: { path: key } }, h("legend", {}, label), fields, h("div.issue"))
    }
    if (s.type === "boolean" && required) {
      const box = h("input", { type: "checkbox", name: key })
      return wrap(box, (out) => set(out, path, box.checked))
    }
    if (s.type === "boolean") {
      // Optional: left out unless chosen (a checkbox cannot say "not given").
      const select = h("select", { name: key }, h("option", { value: "" }, "—"), h("option", { value: "true" }, "true"), h("option", { value: "false" }, "false"))
      return wrap(select, (out) => { if (select.value !== "") set(out, path, select.value === "true") })
    }
    if (s.type === "number" || s.type === "integer") {
      const input = h("input", { type: "number", name: key, step: s.type === "integer" ? "1" : "any" })
      return wrap(input, (out) => { if (input.value !== "") set(out, path, Number(input.value)) })
    }
    if (s.type === "string") {
      const input = h("input", { type: "text", name: key })
      return wrap(input, (out) => { if (input.value !== "" || required) set(out, path, input.value) })
    }
    const area = h("textarea", { name: key, placeholder: "JSON" })
    return wrap(area, (out) => { if (area.value.trim() !== "") set(out, path, JSON.parse(area.value)) })
  }
  const set = (out, path, value) => {
    if (path.length === 0) { out.value = value; return }
    let at = out.value ??= {}
    for (const k of path.slice(0, -1)) at = at[k] ??= {}
    at[path.at(-1)] = value
  }
  const fields = fieldFor(root, [], undefined, true)
  const raw = h("textarea.raw", { name: "json", placeholder: "the value as JSON", hidden: true })
  const issues = h("ul.issues")
  let asJson = false
  const toggle = h("button", { type: "button", onclick: () => {
    asJson = !asJson
    if (asJson) {
      try { raw.value = JSON.stringify(read(), null, 2) ?? "" } catch { /* keep what is there */ }
    }
    raw.hidden = !asJson
    fields.hidden = asJson
    toggle.textContent = asJson ? "Edit as a form" : "Edit as JSON"
  } }, "Edit as JSON")
  const read = () => {
    if (asJson) return raw.value.trim() === "" ? undefined : JSON.parse(raw.value)
    const out = {}
    for (const reader of readers) reader(out)
    return out.value ?? (root.type === "object" ? {} : undefined)
  }
  const showIssues = (list) => {
    for (const el of form.querySelectorAll(".issue")) el.textContent = ""
    issues.replaceChildren(...list.map((issue) => {
      const where = issue.path.length === 0 ? "the value" : issue.path.join(".")
      const field = form.querySelector(`[data-path='${JSON.stringify(issue.path)}'] > .issue`)
      if (field !== null) field.textContent = issue.message
      return h("li", { dataset: { path: issue.path.join(".") } }, `${where}: ${issue.message}`)
    }))
  }
  const form = h("form.schema", { onsubmit: async (event) => {
    event.preventDefault()
    let value
    try { value = read() } catch (error) { showIssues([{ path: [], message: `not JSON: ${error.message}` }]); return }
    const button = form.querySelector("button[type=submit]")
    button.disabled = true
    try {
      await onSubmit(value)
      showIssues([])
    } catch (error) {
      const body = error.body
      showIssues(body?.issues ?? [{ path: [], message: body?.message ?? error.message }])
    } finally {
      button.disabled = false
    }
  } }, fields, raw, issues, h("div.toolbar", {}, h("button.primary", { type: "submit" }, submitLabel), toggle))
  return form
}

// -- the page -----------------------------------------------------------------------------------------

const renderNav = () => {
  const current = state.workflow?.name
  $("#workflows").replaceChildren(...state.workflows.map((w) =>
    h(`a${w.name === current ? ".current" : ""}`, { href: `#/${enc(w.name)}`, dataset: { workflow: w.name } }, w.name)))
}

const renderWorkflow = () => {
  const w = state.workflow
  if (w === undefined) {
    $("#main").replaceChildren(h("p.muted", {}, state.workflows.length === 0 ? "The module exports no workflow." : "Choose a workflow."))
    return
  }
  const start = h("div#start.panel", {}, h("h3", {}, "Start a run"),
    w.input === null
      ? h("div", {}, h("p.muted", {}, "This workflow takes no input."), schemaForm({ type: "object", properties: {} }, startRun, "Start"))
      : schemaForm(w.input.schema, startRun, "Start"))
  $("#main").replaceChildren(
    h("h2", {}, w.name),
    h("div.columns", {},
      h("div", {}, h("div.panel", {}, h("h3", {}, "Graph"), h("div#graph.graph")), start),
      h("div", {}, h("div#runs.panel"), h("div#run"))))
  renderRuns()
  renderRun()
  paintGraph()
}

const renderRuns = () => {
  const box = $("#runs")
  if (box === null) return
  const filter = h("select#status", { onchange: (e) => { state.status = e.target.value; loadRuns() } },
    ["", "running", "suspended", "completed", "failed", "terminated", "interrupted"].map((s) =>
      h("option", { value: s, selected: s === state.status }, s === "" ? "every status" : s)))
  const rows = state.runs.map((r) =>
    h(`tr.run${r.runId === state.runId ? ".current" : ""}`, { dataset: { run: r.runId }, onclick: () => go(state.workflow.name, r.runId) },
      h("td", {}, h("code", {}, r.runId)),
      h("td", {}, badge(r.status)),
      h("td.num", {}, fmtTime(r.startedAt)),
      h("td.num", {}, r.endedAt === null ? "—" : fmtDuration(r.endedAt - r.startedAt))))
  box.replaceChildren(
    h("div.toolbar", {}, h("h3", { style: "margin:0" }, "Runs"), filter),
    rows.length === 0
      ? h("p.muted", {}, "No run yet (runs with an id, durable ones, and those that wait for requests are listed).")
      : h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "run"), h("th", {}, "status"), h("th", {}, "started"), h("th", {}, "took"))), h("tbody", {}, rows)),
    ...(state.next === null ? [] : [h("button#more", { onclick: () => loadRuns(true) }, "Older runs")]))
}

const attemptsOf = (events) => {
  const rows = []
  const open = new Map()
  // Which worker took an attempt (a distributed run): recorded by the worker, so it may come before the start.
  const workers = new Map(events.filter((e) => e.type === "TaskAssigned").map((e) => [`${e.taskId}#${e.iteration}#${e.attempt}`, e.worker]))
  for (const e of events) {
    if (e.type === "TaskStarted") {
      const row = { task: e.taskId, attempt: e.attempt, iteration: e.iteration, item: e.item, at: e.at, outcome: "running" }
      row.worker = workers.get(`${e.taskId}#${e.iteration}#${e.attempt}`)
      open.set(`${e.taskId}#${e.iteration}#${e.item}#${e.attempt}`, row)
      rows.push(row)
    } else if (e.type === "TaskSucceeded" || e.type === "TaskFailed" || e.type === "TaskSuspended") {
      const row = open.get(`${e.taskId}#${e.iteration}#${e.item}#${e.attempt}`)
      if (row === undefined) continue
      row.durationMs = e.durationMs
      row.outcome = e.type === "TaskSucceeded" ? "succeeded" : e.type === "TaskSuspended" ? "suspended" : e.willRetry ? "retried" : "failed"
      if (e.type === "TaskFailed") row.error = e.error
      if (e.type === "TaskSuspended") row.request = e.request
    } else if (e.type === "TaskReplayed") {
      rows.push({ task: e.taskId, iteration: e.iteration, at: e.at, outcome: "replayed" })
    }
  }
  return rows
}

const renderRun = () => {
  const box = $("#run")
  if (box === null) return
  const detail = state.run
  if (detail === undefined) {
    box.replaceChildren(state.runId === undefined ? "" : h("div.panel", {}, h("p.muted", {}, `Run ${state.runId} is not there (yet).`)))
    return
  }
  const run = detail.run
  const started = detail.events.find((e) => e.type === "RunStarted")
  const attempts = attemptsOf(detail.events)
  const lastFailure = [...attempts].reverse().find((a) => a.outcome === "failed")
  const firstAt = started?.at ?? run.startedAt
  const actions = h("div.toolbar", {},
    h("button.danger", { onclick: async () => {
      if (!confirm(`Delete run ${run.runId} and everything it keeps?`)) return
      await api("DELETE", `/api/workflows/${enc(state.workflow.name)}/runs/${enc(run.runId)}`)
      go(state.workflow.name)
    } }, "Delete"))
  box.replaceChildren(h("div#run-detail.panel", { dataset: { run: run.runId, status: run.status } },
    h("div.toolbar", {}, h("h3", { style: "margin:0" }, `Run ${run.runId}`), badge(run.status)),
    lastFailure === undefined || run.status !== "failed" ? null : h("div.error-first", {},
      h("strong", {}, `${lastFailure.task} failed`), ` on attempt ${lastFailure.attempt}: `,
      h("pre", {}, lastFailure.error ?? "")),
    h("dl.kv", {},
      h("dt", {}, "started"), h("dd", {}, new Date(run.startedAt).toLocaleString()),
      h("dt", {}, "ended"), h("dd", {}, run.endedAt === null ? "—" : `${new Date(run.endedAt).toLocaleString()} (${fmtDuration(run.endedAt - run.startedAt)})`),
      h("dt", {}, "durable"), h("dd", {}, run.durable ? "yes" : "no"),
      h("dt", {}, "input"), h("dd", {}, started?.input === undefined ? h("span.muted", {}, "none") : h("pre", {}, JSON.stringify(started.input, null, 2)))),
    detail.requests.length === 0 ? null : h("div#requests", {},
      h("h3", {}, detail.requests.some((r) => r.waiting) ? "Waiting for" : "Requests a task may be waiting for"),
      detail.requests.map((request) => h("div.panel", { dataset: { request: request.name } },
        h("strong", {}, request.name), request.prompt ? h("p", {}, request.prompt) : null,
        h("div.muted", {}, `asked by ${request.taskId}`),
        schemaForm(request.schema, (value) => respond(run.runId, request.name, value), "Respond")))),
    h("h3", {}, "Timeline"),
    attempts.length === 0 ? h("p.muted", {}, "No attempt recorded (the backend records run events with runEvents: true).") : h("table#timeline", {},
      h("thead", {}, h("tr", {}, h("th", {}, "task"), h("th", {}, "attempt"), h("th", {}, "at"), h("th", {}, "took"), h("th", {}, "outcome"), h("th", {}, "worker"))),
      h("tbody", {}, attempts.map((a) => [
        h("tr", { dataset: { task: a.task, outcome: a.outcome } },
          h("td", {}, h("code", {}, a.task), a.item === undefined ? "" : ` [${a.item}]`, a.iteration > 1 ? ` (iteration ${a.iteration})` : ""),
          h("td.num", {}, a.attempt ?? "—"),
          h("td.num", {}, `+${fmtDuration(a.at - firstAt)}`),
          h("td.num", {}, fmtDuration(a.durationMs)),
          h("td", {}, badge(a.outcome), a.request ? ` ${a.request}` : ""),
          h("td", {}, a.worker ?? h("span.muted", {}, "this process"))),
        a.error === undefined ? null : h("tr", {}, h("td", { colspan: 6 }, h("details", { open: a.outcome === "failed" }, h("summary", {}, "error"), h("pre.error", {}, a.error))))
      ]))),
    h("h3", {}, "Checkpoints"),
    detail.checkpoints.length === 0 ? h("p.muted", {}, "None.") : h("table#checkpoints", {},
      h("tbody", {}, detail.checkpoints.map((c) => h("tr", { dataset: { checkpoint: c.id } },
        h("td", {}, h("code", {}, c.id)),
        h("td.num", {}, fmtTime(c.createdAt)),
        h("td", {}, c.pending.length === 0 ? "" : `pending: ${c.pending.join(", ")}`),
        h("td", {},
          h("button.resume", { onclick: () => resumeFrom(run.runId, c.id) }, "Resume"), " ",
          h("button.fork", { onclick: () => forkFrom(run.runId, c.id) }, "Fork")))))),
    h("h3", {}, "Actions"), actions))
}

// -- actions ------------------------------------------------------------------------------------------

const startRun = async (input) => {
  const w = state.workflow
  const body = w.input === null ? {} : { input }
  const { runId } = await api("POST", `/api/workflows/${enc(w.name)}/runs`, body)
  go(w.name, runId)
}
const respond = async (runId, request, value) => {
  await api("POST", `/api/workflows/${enc(state.workflow.name)}/runs/${enc(runId)}/respond`, { request, value })
  await loadRun()
}
const resumeFrom = async (runId, checkpoint) => {
  await api("POST", `/api/workflows/${enc(state.workflow.name)}/runs/${enc(runId)}/resume`, { checkpoint })
  await loadRun()
}
const forkFrom = async (runId, checkpoint) => {
  const out = await api("POST", `/api/workflows/${enc(state.workflow.name)}/runs/${enc(runId)}/fork`, { checkpoint })
  go(state.workflow.name, out.runId)
}

// -- loading ------------------------------------------------------------------------------------------

const loadRuns = async (more = false) => {
  const w = state.workflow
  if (w === undefined) return
  const query = new URLSearchParams({ limit: "50" })
  if (state.status !== "") query.set("status", state.status)
  if (more && state.next !== null) query.set("cursor", state.next)
  const page = await api("GET", `/api/workflows/${enc(w.name)}/runs?${query}`)
  if (state.workflow !== w) return
  state.runs = more ? [...state.runs, ...page.runs] : page.runs
  state.next = page.next
  renderRuns()
}

const loadRun = async () => {
  const w = state.workflow
  const runId = state.runId
  if (w === undefined || runId === undefined) return
  try {
    const live = state.live.length
    const detail = await api("GET", `/api/workflows/${enc(w.name)}/runs/${enc(runId)}`)
    if (state.workflow !== w || state.runId !== runId) return
    state.run = detail
    // What arrived while the detail was read may not be in it: kept for the graph until the next read.
    state.live = state.live.slice(live)
  } catch (error) {
    if (error.body?._tag !== "RunNotFound") throw error
    state.run = undefined
  }
  renderRun()
  paintGraph()
}

/** Coalesces reloads asked for in a burst of events into one. */
const later = (f, ms) => {
  let timer
  return () => {
    if (timer !== undefined) return
    timer = setTimeout(() => { timer = undefined; f().catch(report) }, ms)
  }
}
const reloadRuns = later(() => loadRuns(), 80)
const reloadRun = later(() => loadRun(), 80)

const report = (error) => console.error("effect-graflow studio:", error)

const onRoute = async () => {
  const { workflow, runId } = route()
  const chosen = state.workflows.find((w) => w.name === workflow) ?? (workflow === undefined ? state.workflows[0] : undefined)
  if (chosen !== state.workflow) {
    state.workflow = chosen
    state.runs = []
    state.next = null
    state.run = undefined
    state.live = []
    state.runId = runId
    renderNav()
    renderWorkflow()
    await loadRuns()
  } else if (runId !== state.runId) {
    state.runId = runId
    state.run = undefined
    state.live = []
    renderRuns()
  }
  if (runId === undefined) {
    state.runId = undefined
    state.run = undefined
    renderRun()
    paintGraph()
  } else await loadRun()
}

const listen = () => {
  const live = $("#live")
  const source = new EventSource(`/api/events?token=${enc(token)}`)
  let lost = false
  source.onopen = () => {
    live.textContent = "live"
    live.className = "live on"
    // Back after a loss: what was recorded meanwhile is read again.
    if (lost) { lost = false; reloadRuns(); reloadRun() }
  }
  source.onerror = () => { lost = true; live.textContent = "reconnecting…"; live.className = "live off" }
  source.onmessage = (message) => {
    const seen = JSON.parse(message.data)
    if (seen.workflow !== state.workflow?.name) return
    const e = seen.event
    if (e.type === "RunStarted" || e.type === "RunFinished") reloadRuns()
    if (seen.runId !== state.runId) return
    // The graph is painted at once from the event; the detail (its timeline, status, checkpoints, requests) is read
    // again after a burst — never patched with the event, which the detail just read may hold already.
    state.live.push(e)
    paintGraph()
    reloadRun()
  }
}

const boot = async () => {
  if (typeof window.mermaid !== "undefined") {
    const dark = matchMedia("(prefers-color-scheme: dark)").matches
    window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: dark ? "dark" : "default" })
  }
  const catalog = await api("GET", "/api/workflows")
  state.workflows = catalog.workflows
  $("#backend").textContent = catalog.backend
  listen()
  window.addEventListener("hashchange", () => onRoute().catch(report))
  await onRoute()
}

boot().catch((error) => {
  $("#main").replaceChildren(h("div.error-first", {}, h("strong", {}, "The studio could not load: "), error.message,
    error.body?._tag === "Unauthorized" ? h("p", {}, "Open the URL the studio printed: it carries the token.") : ""))
})
