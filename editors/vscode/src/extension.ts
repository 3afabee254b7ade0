// The Writ extension: starts the language server (`writ lsp`) and connects it to VS Code.
// Everything the editor shows about policies (diagnostics, hover, completion, test lenses, ...)
// comes from the server; this file only starts, restarts and stops it.

import * as vscode from "vscode";
import {
  Executable,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

function serverOptions(): { options: ServerOptions; command: string } {
  const config = vscode.workspace.getConfiguration("writ");
  const command = config.get<string>("server.path", "writ") || "writ";
  const args = ["lsp", ...config.get<string[]>("server.extraArgs", [])];
  const run: Executable = { command, args };
  return { options: { run, debug: run }, command };
}

async function start(): Promise<void> {
  const { options, command } = serverOptions();
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "writ" },
      { scheme: "untitled", language: "writ" },
    ],
    outputChannelName: "Writ",
  };
  client = new LanguageClient("writ", "Writ", options, clientOptions);
  try {
    await client.start();
  } catch (error) {
    client = undefined;
    const choice = await vscode.window.showErrorMessage(
      `Writ: could not start \`${command} lsp\` (${String(error)}). ` +
        "Install the `writ` command, or set `writ.server.path` to it.",
      "Open Settings",
    );
    if (choice === "Open Settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "writ.server.path");
    }
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    await running.stop();
  }
}

async function restart(): Promise<void> {
  await stop();
  await start();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("writ.restartServer", restart),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("writ.server")) {
        await restart();
      }
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await stop();
}
