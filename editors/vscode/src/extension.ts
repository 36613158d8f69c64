// Starts `consentc lsp` for .policy files. Everything the editor shows comes from the server
// (src/lsp/ in consentc); this file only finds the executable and passes the settings on.

import { execFile } from "node:child_process";
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

/** The executable: the `consentc.path` setting, or `consentc` on PATH. */
function command(): string {
  const configured = vscode.workspace.getConfiguration("consentc").get<string>("path", "").trim();
  return configured === "" ? "consentc" : configured;
}

/** Whether `consentc --version` runs, so a missing binary gets a clear message, not a stack. */
function runs(executable: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(executable, ["--version"], { timeout: 10_000 }, (error) => resolve(!error));
  });
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const executable = command();
  if (!(await runs(executable))) {
    const choice = await vscode.window.showErrorMessage(
      `consentc: cannot run \`${executable}\`. Install consentc (cargo install --path . in its repository) ` +
        "so that it is on PATH, or set `consentc.path` to the executable.",
      "Open settings",
    );
    if (choice === "Open settings") {
      void vscode.commands.executeCommand("workbench.action.openSettings", "consentc.path");
    }
    return;
  }
  const settings = vscode.workspace.getConfiguration("consentc");
  const serverOptions: ServerOptions = {
    command: executable,
    args: ["lsp"],
    transport: TransportKind.stdio,
  };
  const paths = settings.get<string[]>("paths", []);
  const explainUrl = settings.get<string>("explainUrl", "");
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file", language: "consent-policy" }, { scheme: "untitled", language: "consent-policy" }],
    initializationOptions: {
      debounceMs: settings.get<number>("debounceMs", 200),
      ...(paths.length > 0 ? { paths } : {}),
      ...(explainUrl !== "" ? { explainUrl } : {}),
    },
    synchronize: {
      // Files of the compile set changed outside the editor: check again.
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.policy"),
    },
  };
  client = new LanguageClient("consentc", "consentc", serverOptions, clientOptions);
  await client.start();
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("consentc")) {
        void vscode.window.showInformationMessage("consentc: reload the window to apply the new settings.");
      }
    }),
  );
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
