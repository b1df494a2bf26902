// The agent's pages: the little behaviour HTMX does not cover (the CSP forbids inline scripts).
// "Show more" reveals the items of a list kept hidden to keep the page short.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-show-more]");
  if (!button) return;
  const section = button.closest("section");
  if (section) section.querySelectorAll("[data-more]").forEach((item) => item.removeAttribute("hidden"));
  button.remove();
});
// After a form on the case page is answered, put the keyboard focus on the outcome, so it is read out.
document.addEventListener("htmx:afterSettle", (event) => {
  const done = document.querySelector("[data-testid=case-done]");
  if (done && event.target && event.target.id === "case-body") {
    done.setAttribute("tabindex", "-1");
    done.focus();
  }
});
// A new request on the case page: the previous outcome goes, so it is never read beside a new error.
document.addEventListener("htmx:beforeRequest", () => {
  const done = document.querySelector("[data-testid=case-done]");
  if (done) done.remove();
});
