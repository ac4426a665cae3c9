// GOV.UK Frontend's components enhance themselves only where this class is set; the
// pages work without it (the class is set from a file because the CSP forbids inline scripts).
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
