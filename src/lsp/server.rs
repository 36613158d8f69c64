//! The message loop: the LSP life cycle, the documents, debounced checking and the requests.

use std::collections::{BTreeSet, HashMap};
use std::io::{Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossbeam_channel::{after, never, select};
use lsp_server::{ErrorCode, Message, Notification, Request, Response};
use lsp_types::*;
use serde_json::{json, Value};

use super::scan::{self, Scan};
use super::text::Lines;
use super::transport::{self, Incoming};
use super::workspace::{uri_path, Document, Workspace};
use super::{complete, diagnostics, hover, navigate};

/// What the client may set in `initializationOptions` (docs/editors.md).
#[derive(Debug, Clone)]
pub struct Options {
    /// How long to wait after the last change before checking: typing a word checks once.
    pub debounce: Duration,
    /// The explain page of a code, `{code}` replaced (`codeDescription.href`).
    pub explain_url: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            debounce: Duration::from_millis(200),
            explain_url: None,
        }
    }
}

type Outcome = Result<Value, (ErrorCode, String)>;

/// A purpose, every place it is written, and the documents (URI, text) the places index.
type PurposePlaces = (navigate::PurposeRef, Vec<navigate::Place>, Vec<(String, String)>);

struct Server {
    out: crossbeam_channel::Sender<Value>,
    workspace: Workspace,
    options: Options,
    /// URIs that hold published diagnostics, to clear those that leave the compile set.
    published: BTreeSet<String>,
    /// When to check next, after changes.
    due: Option<Instant>,
}

/// Serve on `input` and `output` until `exit` or the end of the input; returns the exit code.
pub fn serve<R, W>(input: R, output: W) -> u8
where
    R: Read + Send + 'static,
    W: Write + Send + 'static,
{
    let (incoming, out, writer) = transport::start(input, output);
    let mut server = Server {
        out,
        workspace: Workspace::default(),
        options: Options::default(),
        published: BTreeSet::new(),
        due: None,
    };
    let mut initialized = false;
    let mut shutdown = false;
    let code = loop {
        let timer = match server.due {
            Some(due) => after(due.saturating_duration_since(Instant::now())),
            None => never(),
        };
        let message = select! {
            recv(incoming) -> m => m,
            recv(timer) -> _ => {
                server.check_now();
                continue;
            }
        };
        let message = match message {
            Ok(Incoming::Message(m)) => m,
            Ok(Incoming::Invalid(code, text)) => {
                server.send(transport::invalid_response(code, text));
                continue;
            }
            // The client has gone without `exit`.
            Err(_) => break 1,
        };
        match message {
            Message::Request(req) => {
                let id = req.id.clone();
                let outcome = if req.method == "initialize" {
                    if initialized {
                        Err((ErrorCode::InvalidRequest, "already initialized".to_owned()))
                    } else {
                        initialized = true;
                        Ok(server.initialize(req.params))
                    }
                } else if !initialized {
                    Err((ErrorCode::ServerNotInitialized, "initialize first".to_owned()))
                } else if req.method == "shutdown" {
                    shutdown = true;
                    Ok(Value::Null)
                } else if shutdown {
                    Err((ErrorCode::InvalidRequest, "the server is shutting down".to_owned()))
                } else {
                    // A panic is a bug in consentc; the editor gets an error for this request
                    // and the server stays up for the next.
                    catch_unwind(AssertUnwindSafe(|| server.request(req))).unwrap_or_else(|_| {
                        Err((
                            ErrorCode::InternalError,
                            "consentc failed on this request (a bug)".to_owned(),
                        ))
                    })
                };
                let response = match outcome {
                    Ok(result) => Response::new_ok(id, result),
                    Err((code, message)) => Response::new_err(id, code as i32, message),
                };
                server.send_message(Message::Response(response));
            }
            Message::Notification(n) if n.method == "exit" => break if shutdown { 0 } else { 1 },
            Message::Notification(n) => {
                if initialized && !shutdown {
                    let _ = catch_unwind(AssertUnwindSafe(|| server.notification(n)));
                }
            }
            // The server sends no requests, so no response is awaited.
            Message::Response(_) => {}
        }
        if server.due.is_some_and(|due| due <= Instant::now()) {
            server.check_now();
        }
    };
    drop(server);
    let _ = writer.join();
    code
}

fn params<P: serde::de::DeserializeOwned>(value: Value) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(value).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

impl Server {
    fn send(&self, value: Value) {
        // A closed writer means the client has gone; the read side will notice.
        let _ = self.out.send(value);
    }

    fn send_message(&self, message: Message) {
        self.send(transport::to_json(&message));
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) {
        self.send_message(Message::Notification(Notification::new(method.to_owned(), params)));
    }

    fn initialize(&mut self, raw: Value) -> Value {
        let init: InitializeParams = serde_json::from_value(raw.clone()).unwrap_or_default();
        #[allow(deprecated)] // `rootUri` is what clients without workspace folders send.
        let root = init
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .map(|f| f.uri.as_str().to_owned())
            .or_else(|| init.root_uri.as_ref().map(|u| u.as_str().to_owned()))
            .and_then(|u| uri_path(&u));
        let options = init.initialization_options.unwrap_or(Value::Null);
        if let Some(ms) = options.get("debounceMs").and_then(Value::as_u64) {
            self.options.debounce = Duration::from_millis(ms.min(10_000));
        }
        self.options.explain_url = options.get("explainUrl").and_then(Value::as_str).map(str::to_owned);
        if let (Some(root), Some(paths)) = (&root, options.get("paths").and_then(Value::as_array)) {
            let paths: Vec<PathBuf> = paths.iter().filter_map(Value::as_str).map(|p| root.join(p)).collect();
            self.workspace.paths = Some(paths);
        }
        self.workspace.root = root;
        json!({
            "capabilities": {
                "positionEncoding": "utf-16",
                "textDocumentSync": {"openClose": true, "change": 1, "save": {"includeText": false}},
                "hoverProvider": true,
                "completionProvider": {"triggerCharacters": [".", " ", "["]},
                "definitionProvider": true,
                "referencesProvider": true,
                "documentFormattingProvider": true,
                "codeActionProvider": {"codeActionKinds": ["quickfix"]},
                "documentSymbolProvider": true,
            },
            "serverInfo": {"name": "consentc", "version": env!("CARGO_PKG_VERSION")},
        })
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            "initialized" => self.schedule(),
            "textDocument/didOpen" => {
                if let Ok(p) = params::<DidOpenTextDocumentParams>(n.params) {
                    let doc = Document {
                        text: p.text_document.text,
                        version: p.text_document.version,
                    };
                    self.workspace
                        .documents
                        .insert(p.text_document.uri.as_str().to_owned(), doc);
                    self.schedule();
                }
            }
            "textDocument/didChange" => {
                if let Ok(p) = params::<DidChangeTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri.as_str().to_owned();
                    // Full sync: the last change holds the whole text.
                    if let (Some(doc), Some(change)) = (
                        self.workspace.documents.get_mut(&uri),
                        p.content_changes.into_iter().last(),
                    ) {
                        doc.text = change.text;
                        doc.version = p.text_document.version;
                        self.schedule();
                    }
                }
            }
            "textDocument/didClose" => {
                if let Ok(p) = params::<DidCloseTextDocumentParams>(n.params) {
                    self.workspace.documents.remove(p.text_document.uri.as_str());
                    self.schedule();
                }
            }
            // A file of the set changed on disk.
            "textDocument/didSave" | "workspace/didChangeWatchedFiles" => self.schedule(),
            _ => {}
        }
    }

    fn schedule(&mut self) {
        self.due = Some(Instant::now() + self.options.debounce);
    }

    /// Check every compile set and publish: each file's diagnostics, an empty list for a file
    /// that has none any more.
    fn check_now(&mut self) {
        self.due = None;
        let mut now_published = BTreeSet::new();
        for set in self.workspace.sets() {
            if set.uris.is_empty() {
                continue;
            }
            let checked = catch_unwind(AssertUnwindSafe(|| crate::check_sources(set.inputs)));
            let Ok(checked) = checked else {
                continue;
            };
            let texts: Vec<&str> = checked.sources.files().map(|(_, f)| f.text.as_str()).collect();
            let lines: Vec<Lines> = texts.iter().map(|t| Lines::new(t)).collect();
            let versions: Vec<Option<i32>> = set
                .uris
                .iter()
                .map(|u| self.workspace.documents.get(u).map(|d| d.version))
                .collect();
            let mut by_file: HashMap<usize, Vec<lsp_types::Diagnostic>> = HashMap::new();
            for d in &checked.diagnostics {
                let file = d.primary_span().map_or(0, |s| s.file.0 as usize);
                let version = versions.get(file).copied().flatten();
                if let Some((file, lsp)) = diagnostics::convert(
                    d,
                    &set.uris,
                    &lines,
                    &texts,
                    version,
                    self.options.explain_url.as_deref(),
                ) {
                    by_file.entry(file).or_default().push(lsp);
                }
            }
            for (i, uri) in set.uris.iter().enumerate() {
                let diagnostics = by_file.remove(&i).unwrap_or_default();
                // Open documents always hear back, so an editor knows a clean file is clean.
                let open = self.workspace.documents.contains_key(uri);
                if diagnostics.is_empty() && !self.published.contains(uri) && !open {
                    continue;
                }
                if !diagnostics.is_empty() {
                    now_published.insert(uri.clone());
                }
                self.notify(
                    "textDocument/publishDiagnostics",
                    json!({"uri": uri, "version": versions[i], "diagnostics": diagnostics}),
                );
            }
        }
        // Files that left every set: a closed document outside `policies/`, a deleted file.
        for gone in self.published.difference(&now_published) {
            self.notify(
                "textDocument/publishDiagnostics",
                json!({"uri": gone, "diagnostics": []}),
            );
        }
        self.published = now_published;
    }

    fn request(&mut self, req: Request) -> Outcome {
        match req.method.as_str() {
            "textDocument/hover" => self.hover(params(req.params)?),
            "textDocument/completion" => self.completion(params(req.params)?),
            "textDocument/definition" => self.definition(params(req.params)?),
            "textDocument/references" => self.references(params(req.params)?),
            "textDocument/formatting" => self.formatting(params(req.params)?),
            "textDocument/codeAction" => self.code_action(params(req.params)?),
            "textDocument/documentSymbol" => self.symbols(params(req.params)?),
            other => Err((ErrorCode::MethodNotFound, format!("`{other}` is not supported"))),
        }
    }

    fn document(&self, uri: &Uri) -> Result<String, (ErrorCode, String)> {
        self.workspace
            .text(uri.as_str())
            .ok_or_else(|| (ErrorCode::InvalidParams, format!("`{}` is not open", uri.as_str())))
    }

    /// The documents purposes are looked up in: the compile set holding `uri`.
    fn set_texts(&self, uri: &str) -> Vec<(String, String)> {
        for set in self.workspace.sets() {
            if set.uris.iter().any(|u| u == uri) {
                return set
                    .uris
                    .into_iter()
                    .zip(set.inputs)
                    .map(|(u, (_, bytes))| (u, String::from_utf8_lossy(&bytes).into_owned()))
                    .collect();
            }
        }
        self.workspace
            .text(uri)
            .map(|t| vec![(uri.to_owned(), t)])
            .unwrap_or_default()
    }

    /// Every place the purpose at `position` is written, with the documents' URIs and texts.
    fn purpose_places(&self, uri: &Uri, position: Position) -> Result<Option<PurposePlaces>, (ErrorCode, String)> {
        let text = self.document(uri)?;
        let offset = Lines::new(&text).offset(position);
        let scan = scan::scan(&text);
        let Some(purpose) = navigate::purpose_at(&scan, &text, offset) else {
            return Ok(None);
        };
        let docs = self.set_texts(uri.as_str());
        let scans: Vec<Scan> = docs.iter().map(|(_, t)| scan::scan(t)).collect();
        let pairs: Vec<(&Scan, &str)> = scans.iter().zip(&docs).map(|(s, (_, t))| (s, t.as_str())).collect();
        let places = navigate::places(&pairs, &purpose);
        Ok(Some((purpose, places, docs)))
    }

    fn location(docs: &[(String, String)], place: &navigate::Place) -> Option<Location> {
        let (uri, text) = docs.get(place.doc)?;
        Some(Location::new(
            uri.parse().ok()?,
            Lines::new(text).range(place.start, place.end),
        ))
    }

    fn hover(&self, p: HoverParams) -> Outcome {
        let uri = &p.text_document_position_params.text_document.uri;
        let position = p.text_document_position_params.position;
        let text = self.document(uri)?;
        let lines = Lines::new(&text);
        let offset = lines.offset(position);
        let scan = scan::scan(&text);
        let found = match hover::local(&scan, &text, offset) {
            Some(found) => Some(found),
            None => self.purpose_places(uri, position)?.and_then(|(purpose, places, docs)| {
                let token = scan.token_at(offset)?;
                let t = scan.tokens[token];
                let definition = places.iter().find(|p| p.definition)?;
                let (_, def_text) = docs.get(definition.doc)?;
                let def_scan = scan::scan(def_text);
                let items = navigate::purpose_items(&def_scan, def_text, definition.start);
                Some(((t.start, t.end), hover::purpose(&purpose.name, &purpose.policy, &items)))
            }),
        };
        Ok(match found {
            Some(((start, end), markdown)) => json!({
                "contents": {"kind": "markdown", "value": markdown},
                "range": lines.range(start, end),
            }),
            None => Value::Null,
        })
    }

    fn completion(&self, p: CompletionParams) -> Outcome {
        let uri = &p.text_document_position.text_document.uri;
        let text = self.document(uri)?;
        let lines = Lines::new(&text);
        let offset = lines.offset(p.text_document_position.position);
        let start = complete::word_start(&text, offset);
        let range = lines.range(start, offset);
        let items: Vec<Value> = complete::complete(&text, offset)
            .into_iter()
            .map(|item| {
                let kind = match item.kind {
                    complete::ItemKind::Key => CompletionItemKind::PROPERTY,
                    complete::ItemKind::Block => CompletionItemKind::KEYWORD,
                    complete::ItemKind::Value => CompletionItemKind::ENUM_MEMBER,
                    complete::ItemKind::Feature => CompletionItemKind::MODULE,
                    complete::ItemKind::Purpose => CompletionItemKind::VARIABLE,
                    complete::ItemKind::Cmp => CompletionItemKind::CLASS,
                };
                json!({
                    "label": item.label,
                    "kind": kind,
                    "detail": item.detail,
                    "textEdit": {"range": range, "newText": item.insert},
                })
            })
            .collect();
        Ok(json!({"isIncomplete": false, "items": items}))
    }

    fn definition(&self, p: GotoDefinitionParams) -> Outcome {
        let at = &p.text_document_position_params;
        let Some((_, places, docs)) = self.purpose_places(&at.text_document.uri, at.position)? else {
            return Ok(Value::Null);
        };
        let locations: Vec<Location> = places
            .iter()
            .filter(|p| p.definition)
            .filter_map(|p| Self::location(&docs, p))
            .collect();
        Ok(serde_json::to_value(locations).unwrap_or(Value::Null))
    }

    fn references(&self, p: ReferenceParams) -> Outcome {
        let at = &p.text_document_position;
        let Some((_, places, docs)) = self.purpose_places(&at.text_document.uri, at.position)? else {
            return Ok(Value::Null);
        };
        let locations: Vec<Location> = places
            .iter()
            .filter(|place| p.context.include_declaration || !place.definition)
            .filter_map(|place| Self::location(&docs, place))
            .collect();
        Ok(serde_json::to_value(locations).unwrap_or(Value::Null))
    }

    fn formatting(&self, p: DocumentFormattingParams) -> Outcome {
        let text = self.document(&p.text_document.uri)?;
        // A file with a syntax error is left alone; its diagnostic says why.
        let Ok(formatted) = crate::fmt::format_source(&text) else {
            return Ok(Value::Null);
        };
        if formatted == text {
            return Ok(json!([]));
        }
        let lines = Lines::new(&text);
        Ok(json!([{"range": lines.range(0, text.len()), "newText": formatted}]))
    }

    fn code_action(&self, p: CodeActionParams) -> Outcome {
        let uri = p.text_document.uri.as_str();
        let current = self.workspace.documents.get(uri).map(|d| d.version);
        let mut actions = Vec::new();
        for d in &p.context.diagnostics {
            let Some(data) = &d.data else { continue };
            // Fixes computed for another version of the text would edit the wrong bytes.
            let version = data.get("version").and_then(Value::as_i64).map(|v| v as i32);
            if version.is_some() && current.is_some() && version != current {
                continue;
            }
            for fix in data.get("fixes").and_then(Value::as_array).into_iter().flatten() {
                actions.push(json!({
                    "title": fix["title"],
                    "kind": "quickfix",
                    "diagnostics": [d],
                    "isPreferred": fix["preferred"],
                    "edit": {"changes": {uri: fix["edits"]}},
                }));
            }
        }
        Ok(Value::Array(actions))
    }

    fn symbols(&self, p: DocumentSymbolParams) -> Outcome {
        let text = self.document(&p.text_document.uri)?;
        let lines = Lines::new(&text);
        let scan = scan::scan(&text);
        Ok(Value::Array(symbols_below(&scan, &lines, None)))
    }
}

/// The document symbols of the blocks (and keys) directly inside `parent`.
fn symbols_below(scan: &Scan, lines: &Lines, parent: Option<usize>) -> Vec<Value> {
    let mut out = Vec::new();
    for (i, b) in scan.blocks.iter().enumerate().filter(|(_, b)| b.parent == parent) {
        let (name, selection) = match &b.name {
            Some((name, span)) => (format!("{} {name}", b.kind), *span),
            None => (b.kind.clone(), b.kind_span),
        };
        let kind = match b.kind.as_str() {
            "policy" => SymbolKind::MODULE,
            "purpose" => SymbolKind::CLASS,
            "cmp" => SymbolKind::INTERFACE,
            "text" | "banner" => SymbolKind::STRING,
            _ => SymbolKind::STRUCT,
        };
        let mut children = symbols_below(scan, lines, Some(i));
        for a in scan.assigns.iter().filter(|a| a.block == Some(i)) {
            let end = a.value.last().map_or(a.key_span.1, |&t| scan.tokens[t].end);
            children.push(json!({
                "name": a.key,
                "kind": SymbolKind::PROPERTY,
                "range": lines.range(a.key_span.0, end),
                "selectionRange": lines.range(a.key_span.0, a.key_span.1),
            }));
        }
        children.sort_by_key(|c| {
            (
                c["range"]["start"]["line"].as_u64(),
                c["range"]["start"]["character"].as_u64(),
            )
        });
        out.push(json!({
            "name": name,
            "kind": kind,
            "range": lines.range(b.span.0, b.span.1),
            "selectionRange": lines.range(selection.0, selection.1),
            "children": children,
        }));
    }
    out
}
