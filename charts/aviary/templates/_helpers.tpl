{{/*
The prefix of the operator's object names: the release name when it already says "aviary",
otherwise "<release>-aviary". A release named "aviary" gives the plain install's names.
*/}}
{{- define "aviary.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 54 | trimSuffix "-" -}}
{{- else if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 54 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 54 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "aviary.operatorName" -}}
{{- printf "%s-operator" (include "aviary.fullname" .) -}}
{{- end -}}

{{- define "aviary.serviceAccountName" -}}
{{- .Values.serviceAccount.name | default (include "aviary.operatorName" .) -}}
{{- end -}}

{{- define "aviary.leaderElectionNamespace" -}}
{{- .Values.leaderElection.namespace | default .Release.Namespace -}}
{{- end -}}

{{/* The port of healthAddr ("0.0.0.0:8080", "[::]:8080", ":8080"). */}}
{{- define "aviary.healthPort" -}}
{{- $port := splitList ":" .Values.healthAddr | last -}}
{{- if not (regexMatch "^[0-9]+$" $port) -}}
{{- fail (printf "healthAddr %q must end with :PORT" .Values.healthAddr) -}}
{{- end -}}
{{- $port -}}
{{- end -}}

{{/* --api-addr: healthAddr's host (reachable from the pod's IP, or the probes would fail) at api.port. */}}
{{- define "aviary.apiAddr" -}}
{{- $port := toString .Values.api.port -}}
{{- if not (and (regexMatch "^[0-9]+$" $port) (le (atoi $port) 65535) (ge (atoi $port) 1)) -}}
{{- fail (printf "api.port %q must be a port number (1-65535)" $port) -}}
{{- end -}}
{{- $healthPort := include "aviary.healthPort" . -}}
{{- if eq $port $healthPort -}}
{{- fail (printf "api.port %s is healthAddr's port: the API needs its own" $port) -}}
{{- end -}}
{{- printf "%s:%s" (trimSuffix (printf ":%s" $healthPort) .Values.healthAddr) $port -}}
{{- end -}}

{{/* Labels on every object; the plain install (manifests/) carries the same minus the helm.sh/,
managed-by and version ones. */}}
{{- define "aviary.labels" -}}
app.kubernetes.io/part-of: aviary
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "aviary.selectorLabels" -}}
app.kubernetes.io/name: {{ include "aviary.operatorName" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/*
Renders each object of a YAML file under files/ (a symlink to crds/ or manifests/, the single source
of truth), with the chart's labels added. Call with (list $ "files/NAME.yaml").
*/}}
{{- define "aviary.objectsFromFile" -}}
{{- $root := index . 0 -}}
{{- range $document := regexSplit "(?m)^---[ \\t]*$" ($root.Files.Get (index . 1)) -1 }}
{{- $object := fromYaml $document -}}
{{- if $object }}
{{- $labels := merge (include "aviary.labels" $root | fromYaml) ($object.metadata.labels | default dict) -}}
{{- $_ := set $object.metadata "labels" $labels }}
---
{{ toYaml $object }}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
The operator's RBAC rules, read from the ClusterRole in manifests/rbac/aviary-operator.yaml (through
files/): "namespaced" (everything a Role can grant) or "cluster" (the review APIs, cluster-scoped).
Call with (list $ "namespaced"|"cluster"); renders a YAML list.
*/}}
{{- define "aviary.operatorRules" -}}
{{- $root := index . 0 -}}
{{- $wantCluster := eq (index . 1) "cluster" -}}
{{- $clusterScoped := list "tokenreviews" "subjectaccessreviews" -}}
{{- $rules := list -}}
{{- range $document := regexSplit "(?m)^---[ \\t]*$" ($root.Files.Get "files/aviary-operator.yaml") -1 }}
{{- $object := fromYaml $document -}}
{{- if and $object (eq ($object.kind | default "") "ClusterRole") -}}
{{- range $rule := $object.rules -}}
{{- $isCluster := false -}}
{{- range $resource := $rule.resources -}}
{{- if has $resource $clusterScoped }}{{ $isCluster = true }}{{ end -}}
{{- end -}}
{{- if eq $isCluster $wantCluster }}{{ $rules = append $rules $rule }}{{ end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if not $rules }}{{ fail "files/aviary-operator.yaml has no ClusterRole rules" }}{{ end -}}
{{- toYaml $rules -}}
{{- end -}}
