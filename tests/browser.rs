//! The review page in a real browser: headless Chromium loads it from a running server, a
//! mouse click on a decision (dispatched through the DevTools protocol, as a user's click
//! would arrive) opens its explanation.
//!
//! Needs Debian's `chromium` (`.ci/run` installs it); without it the test fails and says so.

mod server_support;

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value as Json, json};
use server_support::{PATIENCE, Server, examples};
use tungstenite::{Message, WebSocket};

const CHROMIUM: &str = "/usr/bin/chromium";

/// A headless Chromium, killed when dropped.
struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
    /// `ws://127.0.0.1:PORT/devtools/browser/ID`.
    endpoint: String,
}

impl Browser {
    fn start() -> Browser {
        assert!(
            Path::new(CHROMIUM).exists(),
            "the browser test needs Chromium at {CHROMIUM}: install it with \
             `apt-get install -y chromium` (CI's .ci/run does)"
        );
        let profile = tempfile::tempdir().expect("a profile directory");
        let mut child = Command::new(CHROMIUM)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1400,900",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        let (tx, rx) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().expect("stderr is piped");
        std::thread::spawn(move || {
            let mut said = String::new();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(at) = line.find("ws://") {
                    let _ = tx.send(Ok(line[at..].trim().to_string()));
                }
                said.push_str(&line);
                said.push('\n');
            }
            let _ = tx.send(Err(said));
        });
        let endpoint = match rx.recv_timeout(PATIENCE) {
            Ok(Ok(endpoint)) => endpoint,
            other => {
                let _ = child.kill();
                panic!("chromium did not open its DevTools endpoint: {other:?}");
            }
        };
        Browser {
            child,
            _profile: profile,
            endpoint,
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A DevTools protocol connection, with one page attached as a flat session.
struct DevTools {
    socket: WebSocket<TcpStream>,
    next_id: u64,
    session: Option<String>,
}

impl DevTools {
    fn connect(endpoint: &str) -> DevTools {
        let host = endpoint
            .trim_start_matches("ws://")
            .split('/')
            .next()
            .expect("a host in the endpoint");
        let stream = TcpStream::connect(host).expect("connect to chromium");
        stream.set_read_timeout(Some(PATIENCE)).expect("a timeout");
        let (socket, _) = tungstenite::client(endpoint, stream).expect("a DevTools websocket");
        DevTools {
            socket,
            next_id: 0,
            session: None,
        }
    }

    /// Sends a command and waits for its result (events in between are skipped).
    fn call(&mut self, method: &str, params: Json) -> Json {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = &self.session {
            message["sessionId"] = json!(session);
        }
        self.socket
            .send(Message::text(message.to_string()))
            .expect("send a DevTools command");
        loop {
            let reply = self.socket.read().expect("a DevTools message");
            let Message::Text(text) = reply else { continue };
            let reply: Json = serde_json::from_str(text.as_str()).expect("DevTools sends JSON");
            if reply["id"] != id {
                continue;
            }
            assert!(
                reply["error"].is_null(),
                "{method} failed: {}",
                reply["error"]
            );
            return reply["result"].clone();
        }
    }

    /// Evaluates JavaScript in the page and returns its value.
    fn eval(&mut self, expression: &str) -> Json {
        let result = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        );
        assert!(
            result["exceptionDetails"].is_null(),
            "`{expression}` threw: {}",
            result["exceptionDetails"]
        );
        result["result"]["value"].clone()
    }

    fn wait_for(&mut self, what: &str, expression: &str) -> Json {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let value = self.eval(expression);
            if !value.is_null() && value != json!(false) {
                return value;
            }
            assert!(Instant::now() < deadline, "gave up waiting until {what}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A left click at a point of the page, as the mouse would make it.
    fn click(&mut self, x: f64, y: f64) {
        self.call(
            "Input.dispatchMouseEvent",
            json!({ "type": "mouseMoved", "x": x, "y": y }),
        );
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 }),
            );
        }
    }
}

#[test]
fn clicking_a_decision_on_the_review_page_shows_its_explanation() {
    let server = Server::start(&[]);
    let mut denied = None;
    for folder in ["allow", "deny", "review"] {
        // For the deny, one decided by a clause that holds (not by an error, failing closed).
        let (_, body) = examples(folder)
            .into_iter()
            .find(|(name, _)| folder != "deny" || name == "git_force_push.json")
            .expect("an example");
        let decision = server.post_json("/v1/decide", &body).json();
        if folder == "deny" {
            denied = Some(decision);
        }
    }
    let denied = denied.expect("a deny");
    let rule = denied["reasons"][0]["rule"]
        .as_str()
        .expect("a deciding rule")
        .to_string();
    server.wait_until("three decisions are listed", || {
        server.get("/v1/decisions").json()["kept"] == 3
    });

    let browser = Browser::start();
    let mut devtools = DevTools::connect(&browser.endpoint);
    let target = devtools.call(
        "Target.createTarget",
        json!({ "url": format!("http://{}/", server.addr) }),
    );
    let attached = devtools.call(
        "Target.attachToTarget",
        json!({ "targetId": target["targetId"], "flatten": true }),
    );
    devtools.session = Some(
        attached["sessionId"]
            .as_str()
            .expect("a session")
            .to_string(),
    );

    devtools.wait_for(
        "the page lists three decisions",
        "document.querySelectorAll('#decisions tbody tr').length === 3",
    );
    let policy = devtools.eval("document.querySelector('#policy').textContent");
    assert!(policy.as_str().unwrap().contains("rules in"), "{policy}");
    assert_eq!(
        devtools.eval("document.querySelector('#detail').dataset.seq || null"),
        Json::Null,
        "nothing is shown before the click"
    );

    let target = devtools.eval(
        "(() => {
            const row = [...document.querySelectorAll('#decisions tbody tr')]
                .find(r => r.querySelector('.badge.deny'));
            row.scrollIntoView();
            const box = row.getBoundingClientRect();
            return { x: box.left + box.width / 2, y: box.top + box.height / 2, seq: row.dataset.seq };
        })()",
    );
    let seq = target["seq"].as_str().expect("the row's seq").to_string();
    devtools.click(
        target["x"].as_f64().expect("x"),
        target["y"].as_f64().expect("y"),
    );

    devtools.wait_for(
        "the explanation of the clicked decision is shown",
        &format!(
            "document.querySelector('#detail').dataset.seq === '{seq}' \
             && document.querySelector('#detail pre.explanation') !== null"
        ),
    );
    let detail = devtools
        .eval("document.querySelector('#detail').innerText")
        .as_str()
        .expect("the detail's text")
        .to_string();
    assert!(detail.contains(&format!("Decision {seq}")), "{detail}");
    assert!(
        detail.contains(&rule),
        "the deciding rule `{rule}` is not shown:\n{detail}"
    );
    let stray = devtools.eval(
        "[...document.querySelector('#detail').childNodes].filter(n => n.nodeType === Node.TEXT_NODE).length",
    );
    assert_eq!(stray, json!(0), "stray text in the detail:\n{detail}");
    let clauses = devtools.eval("document.querySelectorAll('#detail .clause').length");
    assert!(
        clauses.as_u64().unwrap_or(0) > 0,
        "no clauses shown:\n{detail}"
    );
    let explanation = devtools
        .eval("document.querySelector('#detail pre.explanation').textContent")
        .as_str()
        .expect("the explanation")
        .to_string();
    // The annotated source: the rule's file and line, the source line, and the clause's value.
    assert!(explanation.contains("┌─ policies/"), "{explanation}");
    assert!(
        explanation.contains("this `deny` rule decided"),
        "{explanation}"
    );
    assert!(
        explanation.contains("│ ") && explanation.contains(" true"),
        "{explanation}"
    );
    let selected = devtools.eval("document.querySelector('tr.selected').dataset.seq");
    assert_eq!(selected, json!(seq));

    // A picture of the page for whoever looks into a failure.
    let shot = devtools.call("Page.captureScreenshot", json!({ "format": "png" }));
    if let Some(png) = shot["data"].as_str() {
        let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("review-page.png.base64");
        let _ = std::fs::write(path, png);
    }
}
