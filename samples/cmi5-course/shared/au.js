// Shared glue for the sample AUs: starts the cmi5 session from the launch URL and hands back to the LMS.
(function () {
  "use strict";
  var Cmi5 = window.Cmi5 && window.Cmi5.default ? window.Cmi5.default : window.Cmi5;
  var status = function (text) { document.getElementById("statut").textContent = text; };

  window.sampleAu = {
    start: async function () {
      var cmi5 = new Cmi5(document.location.href);
      await cmi5.start();
      status("Session ouverte.");
      return cmi5;
    },
    finish: async function (cmi5, message) {
      await cmi5.terminate();
      var back = cmi5.getReturnURL();
      status(message + (back ? " Retour à la plateforme…" : ""));
      var link = document.getElementById("retour");
      if (back) { link.href = back; link.hidden = false; window.location.assign(back); }
    },
    status: status,
  };
})();
