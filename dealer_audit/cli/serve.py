"""CLI: `dealer-audit serve` — the browser app on this laptop (capture and look), see docs/web.md."""

from __future__ import annotations

import logging
import threading
import webbrowser
from typing import Annotated

import typer

from dealer_audit.cli import console
from dealer_audit.cli.common import DbOption, WorkspaceOption, open_workspace
from dealer_audit.cli.error_language import current_language
from dealer_audit.errors import ConfigurationError, pick
from dealer_audit.web.config import DEFAULT_HOST, DEFAULT_PORT, WebConfig, is_loopback, server_secret


def _log_to_stderr() -> None:
    """The app's own log lines (refusals and their causes, sign-ins, internal errors with their traceback) next to
    uvicorn's, in the same shape: the server log is where a refused request's cause is named."""
    logger = logging.getLogger("dealer_audit")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on. Anything but loopback requires accounts.")
    ] = DEFAULT_HOST,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = DEFAULT_PORT,
    open_browser: Annotated[bool, typer.Option("--open", help="Open the start page in the default browser.")] = False,
    workspace: WorkspaceOption = None,
    db: DbOption = None,
) -> None:
    """Serve the browser app: capture audits in a web page, look at the scored waves (Ctrl+C stops).

    在浏览器中采集稽核并查看评分结果（Ctrl+C 停止）。
    """
    import uvicorn

    from dealer_audit.web.app import create_app

    ws = open_workspace(workspace, db)
    if not is_loopback(host) and ws.repo.count_accounts() == 0:
        ws.close()
        raise ConfigurationError(
            f"refusing to listen on {host}: other machines could reach it and this workspace has no accounts; "
            "create one first (dealer-audit users add NAME --role hq), or serve on 127.0.0.1 (the default)",
            zh=f"拒绝在 {host} 上监听：其他电脑可以访问，但此工作区没有任何账户；请先创建账户"
            "（dealer-audit users add NAME --role hq），或在 127.0.0.1（默认地址）上运行",
        )
    config = WebConfig(workspace=ws.root, db_url=db, host=host, port=port, secret=server_secret(ws.root))
    app = create_app(config, ws)
    app.state.look.warm()  # score the newest wave now, not when the first manager opens it
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    served = ws.root or ws.display_db_url
    console.out.print(
        pick(
            f"dealer-audit: serving {served} at {url}  (Ctrl+C stops)",
            f"dealer-audit：正在 {url} 提供 {served}（Ctrl+C 停止）",
            current_language(),
        )
    )
    if open_browser:
        threading.Timer(1.0, lambda: webbrowser.open(url)).start()
    _log_to_stderr()
    try:
        uvicorn.run(app, host=host, port=port, log_level="info", access_log=False)
    finally:
        ws.close()


def register(app: typer.Typer) -> None:
    """Attach `serve` to the root app."""
    app.command("serve")(serve)
