import { html } from './html';
import { page } from './layout';

/** The sign-in form: the admin token goes in a password field and a POST body, never a URL. */
export function loginPage(base: string, failed: boolean): string {
  return page(
    { base },
    'Sign in',
    '',
    html`<h1>servping console</h1>
      <form method="post" action="${base}/login" class="login">
        <label for="token">Admin token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="current-password"
          required
          autofocus${failed ? html` aria-invalid="true" aria-describedby="login-error"` : ''}
        />
        ${failed ? html`<p id="login-error" class="error" role="alert">That token is not an admin token of this collector.</p>` : ''}
        <button type="submit">Sign in</button>
      </form>
      <p class="hint">
        Any token of <code>SERVPING_ADMIN_TOKENS</code>, or one with the <code>admin</code> scope. The session
        lasts a working day.
      </p>`,
  );
}
