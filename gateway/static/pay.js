// The card form: Stripe.js collects the card and confirms the order's PaymentIntent
// with its client secret; then on to the page that shows what Stripe's webhook has
// said.  The order is never marked paid here: only the webhook does that.
(function () {
  var form = document.getElementById('card-form');
  if (!form || typeof Stripe === 'undefined') { return; }
  var stripe = Stripe(form.dataset.key);
  var card = stripe.elements().create('card');
  var error = document.getElementById('card-error');
  var group = document.getElementById('card-group');
  var button = form.querySelector('button');
  form.hidden = false;
  card.mount('#card-element');
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    button.disabled = true;
    stripe.confirmCardPayment(form.dataset.secret, { payment_method: { card: card } }).then(function (result) {
      if (result.error) {
        error.textContent = (result.error.message || 'The card payment did not go through.') +
          ' Try again, or use another card; your places stay held until the time shown.';
        error.hidden = false;
        group.classList.add('govuk-form-group--error');
        button.disabled = false;
        return;
      }
      window.location.assign(form.dataset.next);
    });
  });
})();
